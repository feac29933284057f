import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVE_OPTIONS, defaultAssetsDir, resolveServeOptions } from './serve-options.js';

describe('serve options', () => {
  it('documents the defaults it uses', () => {
    const src = readFileSync(join(import.meta.dirname, 'serve-options.ts'), 'utf8');
    expect(src).toContain(`@default ${DEFAULT_SERVE_OPTIONS.port}`);
    expect(src).toContain(`@default '${DEFAULT_SERVE_OPTIONS.host}'`);
    const r = resolveServeOptions({ store: 'x' });
    expect(r.port).toBe(4173);
    expect(r.host).toBe('127.0.0.1');
    expect(r.allowHosts).toEqual([]);
    expect(src).toContain('@default []');
  });

  it('finds the dashboard build in the workspace', () => {
    expect(defaultAssetsDir()).toBe(join(import.meta.dirname, '../../../../apps/dashboard/dist'));
  });

  it.each([
    [{ store: 'x', port: -1 }, /option port/],
    [{ store: 'x', port: 70000 }, /option port/],
    [{ store: 'x', port: 1.5 }, /option port/],
    [{ store: 'x', host: '' }, /option host/],
    [{ store: 'x', host: 'a b' }, /option host/],
    [{}, /option store/],
    [{ store: 'x', allowHosts: ['*'] }, /option allowHosts.*wildcards/],
  ])('rejects %j naming the option', (opts, msg) => {
    expect(() => resolveServeOptions(opts)).toThrow(msg);
  });
});
