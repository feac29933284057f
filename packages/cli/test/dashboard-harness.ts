/* eslint-disable @typescript-eslint/no-non-null-assertion -- engine.explain returns one pair per train text */
/**
 * What the Chromium e2e tests of the dashboard share: the repository paths, Chromium's flags, a
 * build of the current dashboard sources, and the two XDA providers (real AttnLRP on tiny-bert, or
 * a token-overlap stub that covers the UI and API plumbing when the checkpoint is absent).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import type { XdaFactory } from '../src/serve/open-data.js';
import { startDashboardServer, type DashboardServer } from '../src/serve/server.js';
import { createSyntheticRun, syntheticStoreContent } from '../src/serve/synthetic-data.js';
import { writeRun } from '../src/serve/write-stores.js';
import type { XdaProvider } from '../src/serve/types.js';
import { heatmapAlpha, NOT_SUPPORT_VECTOR_NOTE } from '../src/steps/pair-alpha.js';
import { openXdaEngine, toWirePair } from '../src/steps/xda-engine.js';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const TINY_BERT = join(ROOT, 'packages/llm-adapter/assets/tiny-bert');
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Builds the current dashboard sources (not a possibly stale apps/dashboard/dist) into `outDir`. */
export async function buildDashboard(outDir: string): Promise<string> {
  await build({ configFile: join(ROOT, 'apps/dashboard/vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/**
 * Relevance = +α for a whitespace token the other text shares, -α/4 otherwise; kernel = shared
 * tokens, and the tokens' sum is all of the attribution (a stub for the UI, not XDA's numbers).
 */
export const overlapXda: XdaProvider = async ({ testText, trainText, alpha }) => {
  const { alpha: a, decomposes } = heatmapAlpha(alpha);
  const side = (x: string, y: string): { tokens: string[]; scores: number[] } => {
    const other = new Set(y.split(/\s+/));
    const tokens = x.split(/\s+/).filter((t) => t !== '');
    return { tokens, scores: tokens.map((t) => a * (other.has(t) ? 1 : -0.25)) };
  };
  const [test, train] = [side(testText, trainText), side(trainText, testText)];
  const sum = (h: { scores: number[] }) => h.scores.reduce((s, v) => s + v, 0);
  const budget = (h: { scores: number[] }) => ({ tokenSum: sum(h), share: 1, absorbed: { positionEmbeddings: 0, softmax: 0, normalisation: 0, biases: 0, stabiliser: 0 }, residual: 0 });
  const kernel = sum(test) / a;
  return {
    method: 'e2e-overlap-stub', mode: 'per-position', test, train, kernel, attribution: alpha * kernel, decomposes, explained: a * kernel,
    budget: { test: budget(test), train: budget(train) }, notes: decomposes === 'kernel' ? [NOT_SUPPORT_VECTOR_NOTE] : [],
  };
};

/** Real XDA on a checkpoint, as `dualxda serve` wires it (cut to 32 tokens to stay fast). */
export const attnLrp: XdaFactory = async (dir) => {
  const engine = await openXdaEngine(dir, 32);
  return async ({ testText, trainText, alpha, mode }) => toWirePair(engine.explain(testText, [trainText], [alpha], { mode })[0]!);
};

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe-core violation, reduced to what a failure message needs. */
export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's violations of the current page (injected from node_modules: nothing is fetched; the context needs bypassCSP). */
export async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
}

/**
 * Builds the current dashboard sources into `scratch/dist`, writes a 300-training / 120-test
 * synthetic run to disk the way `dualxda demo` does (Zarr stores, `dualda/` model, run file) and
 * serves it: real AttnLRP on tiny-bert when present, else the token-overlap stub.
 */
export async function startDiskRun(scratch: string): Promise<DashboardServer> {
  const dist = join(scratch, 'dist');
  await buildDashboard(dist);
  const run = createSyntheticRun({ trainRows: 300, testRows: 120, dim: 16, classNames: ['sports', 'business', 'tech', 'world'], seed: 11 });
  const real = existsSync(join(TINY_BERT, 'config.json'));
  const modelDir = real ? TINY_BERT : join(scratch, 'checkpoint');
  mkdirSync(modelDir, { recursive: true });
  const store = await writeRun(scratch, syntheticStoreContent(run, 'train'), syntheticStoreContent(run, 'test'), run.solution, modelDir);
  return startDashboardServer({ store, port: 0, assetsDir: dist, xdaFactory: real ? attnLrp : async () => overlapXda });
}
