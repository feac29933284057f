import type { FeatureStoreReader, RowBlock } from '@dualxda/core';
import { createCsState, updateSample, type CsState } from './cs-kernel.js';
import { accumulateDiagnostics, createDiagnostics, halfSquaredNorm, objectives } from './diagnostics.js';
import { SolverInputError } from './errors.js';
import { addHotRow, createHotRows, evictNonSupport, type HotRows } from './hot-rows.js';
import { encodeLabels, rowNorms } from './prepare.js';
import { resolveSolverOptions } from './resolve-options.js';
import { checkCScale, largestNorm } from './numeric-guards.js';
import { buildResult } from './result.js';
import { createRng, shufflePrefix, type Rng } from './rng.js';
import { checkStop, createStopControl, elapsedSeconds } from './stop-control.js';
import type { ResolvedSolverOptions, SolverOptions, SolverResult, StopReason } from './types.js';
import { accumulateWeights, applyWarmStart } from './warm-start.js';

/** What block mode needs from a FeatureStore (any `FeatureStoreReader` qualifies). */
export type BlockSource = Pick<FeatureStoreReader, 'rows' | 'dim' | 'chunkCount' | 'readChunk' | 'readLabels'>;

/** Per-solve buffers: the current block's features (Float64, d per row), its Q_ii, and the visit list. */
interface BlockCtx {
  o: ResolvedSolverOptions;
  K: number;
  st: CsState;
  y: Int32Array;
  D: number;
  d: number;
  hot: HotRows;
  bx: Float64Array;
  bq: Float64Array;
  visit: Int32Array;
  rng: Rng;
}

function loadBlock(ctx: BlockCtx, b: RowBlock, n: number): void {
  if (b.dim !== ctx.d || b.features.length !== b.rows * ctx.d) throw new SolverInputError('source', `chunk at row ${b.start} has dim ${b.dim}, expected ${ctx.d}`);
  if (b.start < 0 || b.start + b.rows > n) throw new SolverInputError('source', `chunk rows [${b.start}, ${b.start + b.rows}) outside 0..${n}`);
  for (let t = 0; t < b.features.length; t++) {
    if (!Number.isFinite(b.features[t] as number)) throw new SolverInputError('source', `non-finite feature at row ${b.start + Math.floor(t / ctx.d)}, column ${t % ctx.d}`);
  }
  if (ctx.bx.length < b.rows * ctx.d) {
    ctx.bx = new Float64Array(b.rows * ctx.d);
    ctx.bq = new Float64Array(b.rows);
  }
  rowNorms(b.features, b.rows, ctx.d, ctx.o.biasScale, ctx.bx, ctx.bq, 0);
  const { maxQ, row } = largestNorm(ctx.bq, b.rows);
  checkCScale(ctx.o.C, n, ctx.K, maxQ, b.start + row);
}

/** Inner passes over the block rows plus the hot rows of other blocks; returns the first-visit violation of block rows. */
function innerPasses(ctx: BlockCtx, b: RowBlock): number {
  const { st, y, d, hot } = ctx;
  const total = b.rows + hot.size;
  if (ctx.visit.length < total) ctx.visit = new Int32Array(total * 2);
  let viol = 0;
  for (let p = 0; p < ctx.o.innerPasses; p++) {
    // Codes >= 0 are block rows, < 0 are hot slots (-1 - slot).
    let len = 0;
    for (let r = 0; r < b.rows; r++) ctx.visit[len++] = r;
    for (let s = 0; s < hot.size; s++) {
      const i = hot.rowOf[s] as number;
      if (i < b.start || i >= b.start + b.rows) ctx.visit[len++] = -1 - s;
    }
    shufflePrefix(ctx.rng, ctx.visit, len);
    for (let t = 0; t < len; t++) {
      const code = ctx.visit[t] as number;
      const fromBlock = code >= 0;
      const i = fromBlock ? b.start + code : (hot.rowOf[-1 - code] as number);
      const yi = y[i] as number;
      st.yPos[0] = yi;
      const v = fromBlock
        ? updateSample(st, i, 0, yi, ctx.bx, code * d, ctx.bq[code] as number, false)
        : updateSample(st, i, 0, yi, hot.x, (-1 - code) * d, hot.q[-1 - code] as number, false);
      if (p === 0 && fromBlock && v > viol) viol = v;
    }
  }
  return viol;
}

function refreshHot(ctx: BlockCtx, b: RowBlock): void {
  const { st, hot } = ctx;
  const K = st.K;
  evictNonSupport(hot, st.alpha, K);
  for (let r = 0; r < b.rows; r++) {
    const i = b.start + r;
    for (let m = 0; m < K; m++) {
      if (st.alpha[i * K + m] !== 0) {
        addHotRow(hot, i, ctx.bx, r * ctx.d, ctx.bq[r] as number);
        break;
      }
    }
  }
}

/**
 * Out-of-core Crammer–Singer solver over a FeatureStore: block minimisation (Yu, Hsieh, Chang and
 * Lin, KDD 2010) with a bounded in-memory set of support-vector rows (selective block
 * minimisation, Chang and Roth, KDD 2011). Each epoch visits the chunks in random order; each
 * loaded chunk gets `innerPasses` dual coordinate descent passes over its rows plus the hot rows.
 * Only alpha (n x K) and W̃ stay resident, plus `hotRows` cached rows and two chunks in flight.
 * Converged when, within one epoch, every row's first visit saw a KKT violation below `tolerance`.
 *
 * @example
 * const store = await openFeatureStore('features.zarr');
 * const r = await solveCrammerSingerBlocks(store, { C: 1e-3 });
 */
export async function solveCrammerSingerBlocks(source: BlockSource, options: SolverOptions = {}): Promise<SolverResult> {
  const o = resolveSolverOptions(options);
  const sc = createStopControl();
  const n = source.rows, d = source.dim;
  if (!(n >= 1) || !(d >= 1) || !(source.chunkCount >= 1)) throw new SolverInputError('source', `needs rows, dim and chunks >= 1, got ${n} x ${d}, ${source.chunkCount} chunks`);
  const { y, classes: K, mapping } = encodeLabels(await source.readLabels(), n, 'source.labels');
  const D = d + 1;
  const alpha = new Float64Array(n * K);
  const st = createCsState(1, K, D, o.C, alpha, new Float64Array(K * D), o.biasScale);
  const w = st.w;
  if (o.warmStart) st.sumAlphaY = applyWarmStart(o.warmStart, alpha, y, K, o.C);
  const ctx: BlockCtx = { o, K, st, y, D, d, hot: createHotRows(Math.min(o.hotRows, n), d), bx: new Float64Array(0), bq: new Float64Array(0), visit: new Int32Array(0), rng: createRng(o.seed) };
  const chunks = new Int32Array(source.chunkCount).map((_, k) => k);
  if (o.warmStart) {
    // W̃ = αᵀX̃ needs one streaming pass when starting from a previous alpha.
    for (let k = 0; k < chunks.length; k++) {
      const b = await source.readChunk(k);
      loadBlock(ctx, b, n);
      accumulateWeights(alpha, K, D, ctx.bx, 0, b.rows, b.start, w, o.biasScale);
    }
  }
  let epochs = 0;
  let reason: StopReason | undefined;
  while (!reason) {
    shufflePrefix(ctx.rng, chunks, chunks.length);
    let viol = 0;
    let aborted = false;
    let next: Promise<RowBlock> = source.readChunk(chunks[0] as number);
    for (let c = 0; c < chunks.length; c++) {
      const b = await next;
      if (c + 1 < chunks.length) next = source.readChunk(chunks[c + 1] as number);
      loadBlock(ctx, b, n);
      viol = Math.max(viol, innerPasses(ctx, b));
      refreshHot(ctx, b);
      aborted = o.signal?.aborted === true || o.shouldStop?.() === true;
      if (aborted) break;
    }
    epochs++;
    const dual = st.sumAlphaY - halfSquaredNorm(w);
    o.onProgress?.({ pass: epochs, maxViolation: viol, dualObjective: dual, activeRows: n, seconds: elapsedSeconds(sc) });
    reason = aborted ? 'aborted' : viol < o.tolerance ? 'tolerance' : checkStop(sc, o, epochs, dual);
  }
  const acc = createDiagnostics();
  const g = new Float64Array(K);
  for (let k = 0; k < chunks.length; k++) {
    const b = await source.readChunk(k);
    loadBlock(ctx, b, n);
    accumulateDiagnostics(acc, w, alpha, y, K, D, o.C, ctx.bx, 0, b.rows, b.start, g, o.biasScale);
  }
  const { primal, dual } = objectives(acc, w, o.C);
  return buildResult(alpha, w.slice(), { n, K, d, biasScale: o.biasScale, C: o.C, iterations: epochs, stopReason: reason, maxViolation: acc.maxViolation, primal, dual, accuracy: acc.correct / Math.max(1, acc.rows), seconds: elapsedSeconds(sc), labelMapping: mapping });
}
