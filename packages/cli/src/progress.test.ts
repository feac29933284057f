import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, formatRate, renderProgressLine } from './progress.js';

describe('progress', () => {
  it('renders bar, percentage, rate and ETA', () => {
    const line = renderProgressLine('cache', 250, 1000, 5, 'texts');
    expect(line).toBe('cache [######..................]  25% 250/1000 texts | 50 texts/s | ETA 15s');
  });

  it('renders count and rate when the total is unknown', () => {
    expect(renderProgressLine('fit', 12, undefined, 4, 'passes')).toBe('fit 12 passes | 3.00 passes/s | 4s');
  });

  it.each([
    [0, '0s'],
    [59.4, '59s'],
    [65, '1m05s'],
    [3725, '1h02m'],
    [Number.NaN, '--'],
    [-1, '--'],
  ])('formatDuration(%s) = %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });

  it('formats large and zero rates', () => {
    expect(formatRate(12_345, 'rows')).toBe('12.3k rows/s');
    expect(formatRate(0, 'rows')).toBe('- rows/s');
  });

  it('writes nothing when disabled (quiet or not a TTY)', () => {
    let out = '';
    const bar = createProgress({ write: (s: string) => (out += s) }, { label: 'x', total: 10, enabled: false });
    bar.update(5);
    bar.tick();
    bar.done('ok');
    expect(out).toBe('');
  });

  it('redraws in place and throttles, then prints a summary', () => {
    let out = '';
    let t = 0;
    const bar = createProgress({ write: (s: string) => (out += s), columns: 200 }, { label: 'x', total: 10, unit: 'rows', now: () => t });
    t = 1000;
    bar.update(5);
    t = 1050;
    bar.update(6); // within 100 ms of the last draw: skipped
    expect(out.match(/\r/g)).toHaveLength(1);
    expect(out).toContain('5/10 rows');
    t = 2000;
    bar.done('10 rows');
    expect(out.endsWith('x 10 rows (2s)\n')).toBe(true);
  });
});
