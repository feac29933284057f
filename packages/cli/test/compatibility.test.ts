import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedCorpusDir, embeddedModelDir } from '../src/lib/assets.js';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run } from './helpers.js';

/**
 * Model, train store, test store and --model meet in explain, xda, eval and serve: a test store
 * or checkpoint other than the one that built STORE is refused (or, with --allow-mismatch, warned
 * about); a feature dimension that differs is refused always.
 */
let dir: string;
let testId = '';
const bert = embeddedModelDir('tiny-bert');
const llama = embeddedModelDir('tiny-llama');
const spam = embeddedModelDir('spam-bert');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-compat-'));
  const lines = (await readFile(join(embeddedCorpusDir(), 'train.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const rows = (n: number, off: number) => lines.slice(off, off + n).map((l, i) => JSON.stringify({ ...(JSON.parse(l) as object), label: i % 2 })).join('\n');
  await writeFile(join(dir, 'train.jsonl'), rows(30, 0));
  await writeFile(join(dir, 'test.jsonl'), rows(5, 100));
  testId = String((JSON.parse(lines[100] as string) as { id: string | number }).id);
  const steps: string[][] = [
    ['cache', '--model', bert, '--data', 'train.jsonl', '--out', 'train', '-q'],
    ['fit', 'train', '--C', '0.1', '-q'],
    ['cache', '--model', bert, '--data', 'test.jsonl', '--out', 'test-bert', '-q'],
    ['cache', '--model', llama, '--data', 'test.jsonl', '--out', 'test-llama', '-q'],
    ['cache', '--model', spam, '--data', 'test.jsonl', '--out', 'test-spam', '-q'],
  ];
  for (const argv of steps) {
    const r = await run(argv, dir);
    expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
  }
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('model, stores and checkpoints are checked where they meet', () => {
  it('explain accepts the matching test store', async () => {
    expect((await run(['explain', 'train', '--test', 'test-bert', '-q'], dir)).code).toBe(0);
  });

  it.each([
    ['explain, a test store of another checkpoint', ['explain', 'train', '--test', 'test-llama'], /test-llama: checkpoint \w+ differs from the one STORE was cached with \(\w+\): explanations would mix two models\nhint: .*--allow-mismatch/],
    ['explain --text with another --model', ['explain', 'train', '--text', 'free money now', '--model', llama], /tiny-llama: checkpoint \w+ differs/],
    ['xda with a test store of another checkpoint', () => ['xda', 'train', '--test-store', 'test-llama', '--test', testId, '--model', bert], /test-llama: checkpoint \w+ differs/],
    ['xda whose --model (the heatmaps\' forward) is another checkpoint', () => ['xda', 'train', '--test-store', 'test-bert', '--test', testId, '--model', llama], /tiny-llama: checkpoint \w+ differs/],
    ['eval accuracy on a test store of another dimension (was: 100%)', ['eval', 'train', '--metric', 'accuracy', '--test', 'test-spam'], /test-spam: has 128-dimensional features, but the model was fitted on 32-dimensional ones/],
    ['explain with a test store of another dimension, even with --allow-mismatch', ['explain', 'train', '--test', 'test-spam', '--allow-mismatch'], /has 128-dimensional features/],
  ])('%s: exit 3 with one line and a hint', async (_, argv, message) => {
    const r = await run(typeof argv === 'function' ? argv() : argv, dir);
    expect(r.code, r.stderr).toBe(EXIT_CODES.input);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(2);
  });

  it('--allow-mismatch explains anyway, with a warning naming both checkpoints', async () => {
    const r = await run(['explain', 'train', '--test', 'test-llama', '--allow-mismatch', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: .*test-llama: checkpoint \w+ differs .*--allow-mismatch: explaining anyway/m);
    expect(JSON.parse(r.stdout)).toHaveLength(5);
  });
});

describe('serve checks the test store too', () => {
  it('refuses a test store of another checkpoint unless --allow-mismatch', async () => {
    const { openDashboardData } = await import('../src/serve/open-data.js');
    await expect(openDashboardData({ store: join(dir, 'train'), test: join(dir, 'test-llama') })).rejects.toThrow(/test-llama: checkpoint \w+ differs/);
    const warnings: string[] = [];
    const data = await openDashboardData({ store: join(dir, 'train'), test: join(dir, 'test-llama'), allowMismatch: true, warn: (l) => warnings.push(l) });
    expect(data.paths?.test).toBe(join(dir, 'test-llama'));
    expect(warnings.join()).toMatch(/--allow-mismatch/);
  });
});

describe('serve checks the checkpoint behind its heatmaps', () => {
  it('refuses a --model other than the one that built STORE when XDA would use it', async () => {
    const { openDashboardData } = await import('../src/serve/open-data.js');
    const factory = async () => async () => {
      throw new Error('not called');
    };
    await expect(openDashboardData({ store: join(dir, 'train'), test: join(dir, 'test-bert'), model: llama, xdaFactory: factory })).rejects.toThrow(/tiny-llama: checkpoint \w+ differs/);
    const ok = await openDashboardData({ store: join(dir, 'train'), test: join(dir, 'test-bert'), model: bert, xdaFactory: factory });
    expect(ok.xda).toBeDefined();
  });
});
