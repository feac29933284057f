import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run, writeNpy } from './helpers.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-bad-'));
  await mkdir(join(dir, 'empty-dir'));
  await mkdir(join(dir, 'not-a-model'));
  await writeFile(join(dir, 'file.txt'), 'x');
  await writeFile(join(dir, 'corpus.jsonl'), '{"id": 1, "text": "hello", "label": 0}\n');
  // A real store without a fitted model, via `cache import`.
  const n = 6;
  const d = 3;
  await writeNpy(join(dir, 'X.npy'), '<f8', [n, d], Array.from({ length: n * d }, (_, i) => Math.sin(i)));
  await writeNpy(join(dir, 'y.npy'), '<i8', [n], [0, 1, 0, 1, 0, 1]);
  const r = await run(['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', 'store', '--class-names', 'a,b'], dir);
  expect(r).toMatchObject({ code: 0, stderr: '' });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bad inputs give the documented message, a hint and exit code', () => {
  it.each<[string, string[], number, RegExp]>([
    ['fit: missing store', ['fit', 'nope'], EXIT_CODES.input, /dualxda fit: .*nope: STORE does not exist\nhint: create it with `dualxda cache/],
    ['inspect: store is a file', ['inspect', 'file.txt'], EXIT_CODES.input, /STORE is a file, expected a store directory/],
    ['inspect: directory that is not a store', ['inspect', 'empty-dir'], EXIT_CODES.input, /not a finalized feature store \(no zarr\.json\)\nhint: if a `dualxda cache` run was interrupted/],
    ['explain: store without a fitted model', ['explain', 'store', '--text', 'hi', '--model', 'not-a-model'], EXIT_CODES.input, /no DualDA model here[\s\S]*hint: fit a model first: `dualxda fit STORE/],
    ['xda: store without a fitted model', ['xda', 'store', '--text', 'hi'], EXIT_CODES.input, /no DualDA model here/],
    ['cache: missing model dir', ['cache', '--model', 'missing-model', '--data', 'corpus.jsonl', '--out', 's'], EXIT_CODES.input, /missing-model: --model directory does not exist\nhint: point --model at a folder with config\.json/],
    ['cache: wrong model dir', ['cache', '--model', 'not-a-model', '--data', 'corpus.jsonl', '--out', 's'], EXIT_CODES.input, /not-a-model: --model is not a model checkpoint \(no config\.json\)/],
    ['cache: missing data file', ['cache', '--model', 'not-a-model', '--data', 'missing.jsonl', '--out', 's'], EXIT_CODES.input, /missing\.jsonl: --data: file does not exist/],
    ['cache: unsupported corpus format', ['cache', '--model', 'not-a-model', '--data', 'file.txt', '--out', 's'], EXIT_CODES.input, /unsupported corpus format '\.txt'[\s\S]*hint: give a \.jsonl file/],
    ['cache: --shard auto outside a scheduler', ['cache', '--model', 'not-a-model', '--data', 'corpus.jsonl', '--out', 's', '--shard', 'auto'], EXIT_CODES.usage, /--shard auto: no scheduler index found[\s\S]*hint: run it as a SLURM array task/],
    ['cache import: missing features', ['cache', 'import', '--features', 'none.npy', '--labels', 'y.npy', '--out', 's2'], EXIT_CODES.input, /none\.npy: --features: file does not exist\nhint: give an \(n, d\)/],
    ['cache import: class names do not match', ['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', 's3', '--class-names', 'a'], EXIT_CODES.usage, /--class-names has 1 names but the labels have 2 classes/],
    ['cache finalize: missing store', ['cache', 'finalize', 'nothing-here'], EXIT_CODES.input, /nothing-here: STORE does not exist/],
    ['eval: store without a fitted model', ['eval', 'store', '--metric', 'sparsity'], EXIT_CODES.input, /no DualDA model here/],
    ['demo: wrong --model', ['demo', '--model', 'not-a-model', '--out', 'demo-out'], EXIT_CODES.input, /--model is not a model checkpoint/],
  ])('%s', async (_name, argv, code, message) => {
    const r = await run(argv, dir);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--verbose adds the stack trace', async () => {
    const r = await run(['fit', 'nope', '--verbose'], dir);
    expect(r.code).toBe(EXIT_CODES.input);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('fit and inspect work on an imported store', async () => {
    const fit = await run(['fit', 'store', '--C', '0.5', '--json'], dir);
    expect(fit.code).toBe(0);
    const summary = JSON.parse(fit.stdout) as { supportVectors: number; rows: number; converged: boolean; classNames: string[] };
    expect(summary).toMatchObject({ rows: 6, converged: true, classNames: ['a', 'b'] });
    expect(summary.supportVectors).toBeGreaterThan(0);
    const inspect = await run(['inspect', 'store', '--json'], dir);
    expect(inspect.code).toBe(0);
    const info = JSON.parse(inspect.stdout) as { rowsPerClass: number[]; model: { supportVectors: number } };
    expect(info.rowsPerClass).toEqual([3, 3]);
    expect(info.model.supportVectors).toBe(summary.supportVectors);
  });

  it('cache import remaps sparse labels to 0..K-1 and keeps the originals', async () => {
    await writeNpy(join(dir, 'y-sparse.npy'), '<i8', [6], [10, 20, 10, 20, 20, 10]);
    const r = await run(['cache', 'import', '--features', 'X.npy', '--labels', 'y-sparse.npy', '--out', 'sparse', '--json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 6, dim: 3, classNames: ['10', '20'], labelMapping: [10, 20] });
    const info = JSON.parse((await run(['inspect', 'sparse', '--json'], dir)).stdout) as { rowsPerClass: number[] };
    expect(info.rowsPerClass).toEqual([3, 3]);
  });

  it.each(['block', 'parallel'])('fit --mode %s solves the same problem', async (mode) => {
    const serial = JSON.parse((await run(['fit', 'store', '--C', '0.5', '--json', '--tolerance', '1e-8'], dir)).stdout) as { trainAccuracy: number; dualityGap: number };
    const r = await run(['fit', 'store', '--C', '0.5', '--json', '--tolerance', '1e-8', '--mode', mode, '--threads', '2'], dir);
    expect(r.code).toBe(0);
    const other = JSON.parse(r.stdout) as { mode: string; trainAccuracy: number; supportVectors: number };
    expect(other.mode).toBe(mode);
    expect(other.supportVectors).toBeGreaterThan(0);
    expect(other.trainAccuracy).toBe(serial.trainAccuracy);
  });
});
