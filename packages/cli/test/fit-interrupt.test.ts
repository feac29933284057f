import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run, writeNpy } from './helpers.js';

/**
 * Ctrl-C during an in-memory `fit` must stop it promptly: the serial solve yields to the event
 * loop between passes (solveCrammerSingerAsync), so the CLI's signal reaches it. The problem below (large C, a tolerance
 * it cannot reach) would otherwise run for many minutes.
 */
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-fit-int-'));
  const n = 3000;
  const d = 16;
  let s = 12345;
  const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
  await writeNpy(join(dir, 'X.npy'), '<f8', [n, d], Array.from({ length: n * d }, rand));
  await writeNpy(join(dir, 'y.npy'), '<i8', [n], Array.from({ length: n }, (_, i) => i % 5));
  const r = await run(['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', 'store'], dir);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fit and Ctrl-C', () => {
  it('an interrupted in-memory fit exits 130 promptly and saves no model', async () => {
    const ac = new AbortController();
    const started = performance.now();
    const timer = setTimeout(() => ac.abort(), 2500);
    const r = await run(['fit', 'store', '--C', '100', '--tolerance', '1e-12', '--mode', 'memory'], dir, ac.signal);
    clearTimeout(timer);
    expect(r.code, r.stderr).toBe(EXIT_CODES.interrupted);
    expect(r.stderr).toMatch(/no model saved/);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(await readdir(join(dir, 'store'))).not.toContain('dualda');
  });
});
