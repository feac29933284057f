import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNNER_OPTIONS, resolveRunnerOptions } from './runner-options.js';

describe('resolveRunnerOptions', () => {
  it('defaults to CPU with ORT-chosen threads', () => {
    expect({ ...DEFAULT_RUNNER_OPTIONS, onWarning: null }).toEqual({ executionProvider: 'cpu', intraOpThreads: 0, onWarning: null });
    expect(resolveRunnerOptions({ executionProvider: undefined }).executionProvider).toBe('cpu');
  });
  it('names the bad option', () => {
    expect(() => resolveRunnerOptions({ executionProvider: 'rocm' as 'cpu' })).toThrow(/option executionProvider/);
    expect(() => resolveRunnerOptions({ intraOpThreads: -1 })).toThrow(/option intraOpThreads/);
  });
});
