/* eslint-disable @typescript-eslint/no-non-null-assertion -- the test indexes the answers it asserts */
/**
 * The dashboard's custom-text box end to end at the API: stores cached by the real tiny-bert
 * checkpoint, `dualxda fit`, then `startDashboardServer` with that checkpoint. A typed text that is
 * a test row's text must get that row's explanation (same network logits, proponents and scores)
 * and, for a pair, that row's heatmaps; bad requests name the parameter.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Summary, TestDetail, TextDetail, XdaResponse } from '@dualxda/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedCorpusDir, embeddedModelDir } from '../src/lib/assets.js';
import { startDashboardServer, type DashboardServer } from '../src/serve/server.js';
import { getJson } from '../src/serve/test-http.js';
import { openXdaEngine, toWirePair } from '../src/steps/xda-engine.js';
import { run } from './helpers.js';

const bert = embeddedModelDir('tiny-bert');
let dir: string;
let server: DashboardServer;
let bare: DashboardServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualxda-serve-text-'));
  const lines = (await readFile(join(embeddedCorpusDir(), 'train.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  // Both classes of the corpus, 30 rows each.
  const byLabel = (l: string) => lines.filter((x) => (JSON.parse(x) as { label: unknown }).label === (JSON.parse(l) as { label: unknown }).label);
  const other = lines.find((l) => byLabel(l).length < lines.length && !byLabel(lines[0]!).includes(l))!;
  await writeFile(join(dir, 'train.jsonl'), [...byLabel(lines[0]!).slice(0, 30), ...byLabel(other).slice(0, 30)].join('\n'));
  await writeFile(join(dir, 'test.jsonl'), lines.slice(200, 206).join('\n'));
  for (const argv of [
    ['cache', '--model', bert, '--data', 'train.jsonl', '--out', 'train', '-q'],
    ['fit', 'train', '--C', '0.1', '-q'],
    ['cache', '--model', bert, '--data', 'test.jsonl', '--out', 'test', '-q'],
  ]) {
    const r = await run(argv, dir);
    expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
  }
  const xdaFactory = async (modelDir: string) => {
    const engine = await openXdaEngine(modelDir, 64);
    return async ({ testText, trainText, target, alpha, mode }: { testText: string; trainText: string; target: number; alpha: number; mode?: 'per-position' | 'word' }) => {
      void target;
      return toWirePair(engine.explain(testText, [trainText], [alpha], { mode })[0]!);
    };
  };
  server = await startDashboardServer({ store: join(dir, 'train'), test: join(dir, 'test'), model: bert, port: 0, xdaFactory });
  bare = await startDashboardServer({ store: join(dir, 'train'), test: join(dir, 'test'), port: 0 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await bare?.close();
  await rm(dir, { recursive: true, force: true });
});

const q = (text: string, extra = ''): string => `text=${encodeURIComponent(text)}${extra}`;

describe('/api/text: a typed text explained like a test row', () => {
  it('says it is available, and gives a test row its own explanation when its text is typed', async () => {
    expect((await getJson<Summary>(server.port, '/api/summary')).body.text).toEqual({ available: true, reason: null });
    for (const [row, c] of [[0, 0], [3, 1]] as const) {
      const { body: t } = await getJson<TestDetail>(server.port, `/api/tests/${row}?k=5&class=${c}`);
      const r = await getJson<TextDetail>(server.port, `/api/text?${q(t.text, `&k=5&class=${c}`)}`);
      expect(t.proponents.length + t.opponents.length, 'a class with attributions').toBeGreaterThan(0);
      expect(r.status).toBe(200);
      const typed = r.body;
      // The network's prediction, from its own logits (the same checkpoint built the test store).
      expect(typed.prediction).toBe(t.prediction);
      expect(typed.target).toBe(t.target);
      for (const [a, b] of typed.modelLogits.map((v, m) => [v, t.modelLogits[m]!])) expect(a).toBeCloseTo(b!, 4);
      expect(typed.proponents.map((p) => p.row)).toEqual(t.proponents.map((p) => p.row));
      expect(typed.opponents.map((p) => p.row)).toEqual(t.opponents.map((p) => p.row));
      typed.proponents.forEach((p, i) => expect(p.score).toBeCloseTo(t.proponents[i]!.score, 5));
      // Another class on request.
      const other = (t.target + 1) % t.modelLogits.length;
      expect((await getJson<TextDetail>(server.port, `/api/text?${q(t.text, `&class=${other}`)}`)).body.target).toBe(other);
    }
  }, 60_000);

  it('says when the model saw only the beginning of a typed text', async () => {
    expect((await getJson<TextDetail>(server.port, `/api/text?${q('free money now')}`)).body.truncated).toBe(false);
    const long = await getJson<TextDetail>(server.port, `/api/text?${q('free money now '.repeat(120))}`);
    expect(long.body.truncated).toBe(true);
  });

  it('gives a typed text the heatmaps of the same test row', async () => {
    // tiny-bert's head is untrained: its predicted class may have no training rows, so look for a class that has proponents.
    const details = await Promise.all([0, 1].flatMap((row) => [0, 1].map(async (c) => ({ row, t: (await getJson<TestDetail>(server.port, `/api/tests/${row}?k=3&class=${c}`)).body }))));
    const { row, t } = details.find((d) => d.t.proponents.length > 0)!;
    const train = t.proponents[0]!.row;
    const byRow = await getJson<XdaResponse>(server.port, `/api/xda?test=${row}&train=${train}&class=${t.target}`);
    const byText = await getJson<XdaResponse>(server.port, `/api/xda?${q(t.text, `&train=${train}&class=${t.target}`)}`);
    expect(byRow.status).toBe(200);
    expect(byText.status).toBe(200);
    expect(byText.body.testRow).toBeNull();
    expect(byText.body.target).toBe(t.target);
    expect(byText.body.test.tokens).toEqual(byRow.body.test.tokens);
    byText.body.test.scores.forEach((s, i) => expect(s).toBeCloseTo(byRow.body.test.scores[i]!, 6));
    expect(byText.body.attribution).toBeCloseTo(byRow.body.attribution, 6);
    // Without ?class= a typed text's pair explains the network's prediction for it.
    expect((await getJson<XdaResponse>(server.port, `/api/xda?${q(t.text, `&train=${train}`)}`)).body.target).toBe(t.prediction);
  }, 60_000);

  it.each([
    ['/api/text', 400, /parameter 'text' is required/],
    ['/api/text?text=%20%20', 400, /parameter 'text' is required/],
    ['/api/text?text=(2001 characters)'.replace('(2001 characters)', 'a'.repeat(2001)), 400, /at most 2000 characters \(got 2001\)/],
    ['/api/text?text=hi&class=9', 400, /class/],
    ['/api/xda?text=hi&test=0&train=0', 400, /either 'test' .* or 'text'/],
  ])('%s: %i naming the parameter', async (path, status, message) => {
    const r = await getJson<{ error: string }>(server.port, path);
    expect(r.status).toBe(status);
    expect(r.body.error).toMatch(message);
  });

  it('takes a typed text of 2,000 non-ASCII characters in the URL', async () => {
    const r = await getJson<TextDetail>(server.port, `/api/text?${q('ü€'.repeat(1000))}`);
    expect(r.status).toBe(200);
    expect(r.body.text).toBe('ü€'.repeat(1000));
  });

  it('without a checkpoint: unavailable in the summary, and 404 with the reason', async () => {
    expect((await getJson<Summary>(bare.port, '/api/summary')).body.text.available).toBe(false);
    const r = await getJson<{ error: string }>(bare.port, '/api/text?text=hello');
    expect(r.status).toBe(404);
    expect(r.body.error).toMatch(/needs the model checkpoint: .*--model DIR/);
  });
});
