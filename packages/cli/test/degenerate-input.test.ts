/**
 * Degenerate and numerically absurd inputs (issue 16, items 3 and 9): each is a one-line error
 * naming the file/option, with a hint and the documented exit code, and leaves nothing behind (no
 * store, no model; a previous model stays byte-identical).
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run, snapshot, writeNpy } from './helpers.js';

let dir: string;
/** The embedded checkpoint: `cache` opens the model before it reads the corpus. */
const model = join(import.meta.dirname, '../../llm-adapter/assets/spam-bert');
const n = 6;
const d = 3;
const sine = (bad?: [number, number]): number[] => Array.from({ length: n * d }, (_, i) => (bad !== undefined && i === bad[0] ? bad[1] : Math.sin(i)));

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-degenerate-'));
  await writeNpy(join(dir, 'X.npy'), '<f8', [n, d], sine());
  await writeNpy(join(dir, 'X0.npy'), '<f8', [0, d], []);
  await writeNpy(join(dir, 'Xnan.npy'), '<f8', [n, d], sine([7, Number.NaN]));
  await writeNpy(join(dir, 'Xinf.npy'), '<f8', [n, d], sine([4, -Infinity]));
  await writeNpy(join(dir, 'Xbig.npy'), '<f8', [n, d], sine([16, 1e39]));
  await writeNpy(join(dir, 'Xhalf.npy'), '<f8', [n, d], sine([7, 70000]));
  await writeNpy(join(dir, 'y.npy'), '<i8', [n], [0, 1, 0, 1, 0, 1]);
  await writeNpy(join(dir, 'y0.npy'), '<i8', [0], []);
  await writeNpy(join(dir, 'y-one.npy'), '<i8', [n], [1, 1, 1, 1, 1, 1]);
  await writeNpy(join(dir, 'ids-dup.npy'), '<i8', [n], [50, 51, 52, 51, 53, 54]);
  await writeFile(join(dir, 'empty.jsonl'), '\n\n');
  await writeFile(join(dir, 'dup.jsonl'), ['a', 'b', 'a'].map((id, i) => JSON.stringify({ id, text: `text ${i}`, label: i % 2 })).join('\n'));
  await writeFile(join(dir, 'gold-name.jsonl'), `${JSON.stringify({ id: 't1', text: 'hi', label: 'ham' })}\n${JSON.stringify({ id: 't2', text: 'ho', label: 'eggs' })}\n`);
  await writeFile(join(dir, 'gold-index.jsonl'), `${JSON.stringify({ id: 't1', text: 'hi', label: 2 })}\n`);
  for (const [out, y] of [['fitted', 'y.npy'], ['fresh', 'y.npy'], ['one-class', 'y-one.npy']] as const) {
    const r = await run(['cache', 'import', '--features', 'X.npy', '--labels', y, '--out', out, '--class-names', 'ham,spam'], dir);
    expect(r.code).toBe(0);
  }
  expect((await run(['fit', 'fitted', '--C', '0.5'], dir)).code).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('degenerate input is a clear error that leaves nothing behind', () => {
  // [case, argv, exit code, message, hint, path that must not exist afterwards]
  it.each<[string, string[], number, RegExp, RegExp, string | null]>([
    ['import: 0 rows', ['cache', 'import', '--features', 'X0.npy', '--labels', 'y0.npy', '--out', 'o1'], EXIT_CODES.input, /dualxda cache import: .*X0\.npy: has 0 rows \(shape \(0, 3\)\): nothing to import/, /hint: save the \(n, d\) feature matrix with n >= 1 rows/, 'o1'],
    ['import: duplicate ids', ['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--ids', 'ids-dup.npy', '--out', 'o2'], EXIT_CODES.input, /ids-dup\.npy: id 51 occurs at rows 1 and 3: ids must be unique/, /hint: deduplicate the ids, or leave out --ids/, 'o2'],
    ['import: duplicate class names', ['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', 'o3', '--class-names', 'ham,ham'], EXIT_CODES.usage, /--class-names: 'ham' is given twice \(names 1 and 2\)/, /hint: give one non-empty, unique name per class/, 'o3'],
    ['import: empty class name', ['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', 'o4', '--class-names', 'ham,'], EXIT_CODES.usage, /--class-names: name 2 of 2 is empty \('ham,'\)/, /hint: give one non-empty, unique name per class/, 'o4'],
    ['import: NaN feature', ['cache', 'import', '--features', 'Xnan.npy', '--labels', 'y.npy', '--out', 'o5'], EXIT_CODES.input, /Xnan\.npy: row 2, column 1 is NaN .*features must be finite/, /hint: fix or drop that row/, 'o5'],
    ['import: -Inf feature', ['cache', 'import', '--features', 'Xinf.npy', '--labels', 'y.npy', '--out', 'o6'], EXIT_CODES.input, /Xinf\.npy: row 1, column 1 is -Infinity/, /hint: fix or drop that row/, 'o6'],
    ['import: float64 beyond float32', ['cache', 'import', '--features', 'Xbig.npy', '--labels', 'y.npy', '--out', 'o7'], EXIT_CODES.input, /Xbig\.npy: row 5, column 1 is Infinity \(NaN or infinite, or a float64 beyond float32's ±3\.4e38\)/, /hint: fix or drop that row/, 'o7'],
    ['import: beyond float16', ['cache', 'import', '--features', 'Xhalf.npy', '--labels', 'y.npy', '--out', 'o8', '--dtype', 'float16'], EXIT_CODES.input, /Xhalf\.npy: row 2, column 1 is 70000, beyond float16's ±65504/, /hint: use --dtype float32/, 'o8'],
    ['cache: empty corpus', ['cache', '--model', model, '--data', 'empty.jsonl', '--out', 'o9'], EXIT_CODES.input, /dualxda cache: .*empty\.jsonl: the corpus has no rows/, /hint: give a corpus with at least one/, 'o9'],
    ['cache: duplicate corpus ids', ['cache', '--model', model, '--data', 'dup.jsonl', '--out', 'o10'], EXIT_CODES.input, /dup\.jsonl: id "a" occurs twice \(rows 0 and 2\): ids must be unique/, /hint: give every text its own id/, 'o10'],
    ['fit: one class', ['fit', 'one-class'], EXIT_CODES.input, /dualxda fit: .*one-class: labels: need at least 2 classes, got 1/, /hint: a classifier needs rows of at least two classes.*no model was saved/, 'one-class/dualda'],
    ['fit: --C 1e308 on a fresh store', ['fit', 'fresh', '--C', '1e308'], EXIT_CODES.usage, /dualxda fit: --C 1e\+308 is too large for this store/, /hint: e\.g\. --C 1e-3 .*no model was saved/, 'fresh/dualda'],
    ['explain: unknown gold label name', ['explain', 'fitted', '--test', 'gold-name.jsonl', '--model', 'no-model'], EXIT_CODES.input, /gold-name\.jsonl: row 1 \(id "t2"\): gold label "eggs" is not a class of the fitted model \(an integer in \[0, 1\] or one of "ham", "spam"\)/, /hint: fix the label, or check that --test belongs to this store/, null],
    ['explain: gold label index out of range', ['explain', 'fitted', '--test', 'gold-index.jsonl', '--model', 'no-model'], EXIT_CODES.input, /gold-index\.jsonl: row 0 \(id "t1"\): gold label 2 is not a class/, /hint: fix the label/, null],
    ['explain: empty --test corpus', ['explain', 'fitted', '--test', 'empty.jsonl', '--model', 'no-model'], EXIT_CODES.input, /empty\.jsonl: --test corpus has no rows/, /hint: give a \.jsonl file/, null],
  ])('%s', async (_name, argv, code, message, hint, absent) => {
    const r = await run(argv, dir);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(hint);
    expect(r.code).toBe(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    if (absent !== null) expect(await exists(join(dir, absent))).toBe(false);
  });

  it('import of one class warns (a valid test store) and keeps the --class-names ids', async () => {
    const info = JSON.parse((await run(['inspect', 'one-class', '--json'], dir)).stdout) as { rowsPerClass: number[]; manifest: { classNames: string[] } };
    expect(info.manifest.classNames).toEqual(['ham', 'spam']);
    expect(info.rowsPerClass).toEqual([0, 6]);
    const r = await run(['cache', 'import', '--features', 'X.npy', '--labels', 'y-one.npy', '--out', 'one-b'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*y-one\.npy: every row has the same label \(1\): fine as a test store, but `dualxda fit` needs two or more classes/);
    const three = await run(['cache', 'import', '--features', 'X.npy', '--labels', 'y.npy', '--out', 'three', '--class-names', 'a,b,c'], dir);
    expect(three.code).toBe(0);
    expect(three.stderr).toMatch(/warning: .*y\.npy: 1 of the 3 --class-names have no rows/);
  });
});

describe('solver guards: absurd C or a non-finite solve never saves a model', () => {
  it.each([
    ['memory', []],
    ['block', ['--mode', 'block']],
    ['parallel', ['--mode', 'parallel', '--threads', '2']],
  ])('fit --C 1e308 (%s) is a usage error naming the bound; the previous model is byte-identical', async (_mode, extra) => {
    const before = await snapshot(join(dir, 'fitted', 'dualda'));
    const r = await run(['fit', 'fitted', '--C', '1e308', ...extra], dir);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toMatch(/dualxda fit: --C 1e\+308 is too large for this store: .*beyond what float64 keeps finite; use C <= \d\.\d\de\+30\d \(max‖x̃‖² = [\d.]+ at row \d, n = 6, K = 2\)\nhint: e\.g\. --C 1e-3 .*no model was saved/);
    expect(r.stderr).not.toMatch(/converged|NaN/);
    expect(r.stdout).toBe('');
    expect(await snapshot(join(dir, 'fitted', 'dualda'))).toEqual(before);
  });

  it('a C just under the bound still gives a finite model', async () => {
    const r = await run(['fit', 'fitted', '--C', '1e300', '--json', '--max-passes', '50'], dir);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { maxViolation: number; dualityGap: number };
    expect(Number.isFinite(s.maxViolation)).toBe(true);
    expect(Number.isFinite(s.dualityGap)).toBe(true);
  });
});
