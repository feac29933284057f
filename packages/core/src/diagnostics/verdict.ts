/**
 * The collapse verdict: instance-level explanations (each test row gets its own proponents) or
 * class-level ones (every test row of a class gets the same few training rows). Thresholds are the
 * targets of issue 13; docs/attribution.md "Collapse alarm" explains each.
 */
import { InvalidOptionError } from '../errors.js';
import type { CollapseCheck, CollapseVerdict, FeatureSpectrum, ProponentDiversity } from './types.js';

export interface CollapseThresholds {
  /** Uncentred participation ratio at least this. @default 10 */
  minParticipationRatio?: number;
  /** Pooled within-class participation ratio at least this. @default 5 */
  minWithinClassParticipationRatio?: number;
  /** Share of queries with the same top-1 proponent at most this. @default 0.05 */
  maxTop1Concentration?: number;
  /** Mean pairwise Jaccard of the top-k proponent sets at most this. @default 0.25 */
  maxMeanJaccard?: number;
}

export type ResolvedCollapseThresholds = Required<CollapseThresholds>;

/** Documented defaults of {@link CollapseThresholds}. */
export const DEFAULT_COLLAPSE_THRESHOLDS = {
  minParticipationRatio: 10,
  minWithinClassParticipationRatio: 5,
  maxTop1Concentration: 0.05,
  maxMeanJaccard: 0.25,
} as const satisfies ResolvedCollapseThresholds;

/**
 * Fills in and checks thresholds.
 *
 * @example
 * resolveCollapseThresholds({ maxMeanJaccard: 0.3 }).minParticipationRatio; // 10
 */
export function resolveCollapseThresholds(t: CollapseThresholds = {}): ResolvedCollapseThresholds {
  const out = { ...DEFAULT_COLLAPSE_THRESHOLDS, ...Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) } as ResolvedCollapseThresholds;
  for (const key of ['minParticipationRatio', 'minWithinClassParticipationRatio'] as const) {
    if (!(out[key] >= 1)) throw new InvalidOptionError(key, `must be a number ≥ 1, got ${out[key]}`);
  }
  for (const key of ['maxTop1Concentration', 'maxMeanJaccard'] as const) {
    if (!(out[key] >= 0 && out[key] <= 1)) throw new InvalidOptionError(key, `must be in [0, 1], got ${out[key]}`);
  }
  return out;
}

export interface CollapseVerdictOptions {
  thresholds?: CollapseThresholds;
  /** What the diversity queries were, for the sentences. @default 'test rows' */
  queries?: string;
}

const pct = (x: number): string => `${(100 * x).toFixed(1).replace(/\.0$/, '')}%`;
const num = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(1));

function check(id: CollapseCheck['id'], value: number, threshold: number, bound: 'min' | 'max', sentence: string): CollapseCheck {
  const pass = bound === 'min' ? value >= threshold : value <= threshold;
  return { id, value, threshold, bound, pass, sentence: pass ? null : sentence };
}

/**
 * Judges a spectrum and (optionally) a diversity sample against the thresholds. Class-level when
 * any available criterion fails; the warning then has one plain-words sentence per failing
 * criterion, e.g. "explanations are class-level, not about the individual input. One training row
 * (spam-2/01070) is the top proponent of 95% of the test rows (instance-level: at most 5%). The
 * features are nearly rank-1: participation ratio 1.01 (instance-level: at least 10) …".
 *
 * @example
 * const v = collapseVerdict(featureSpectrum(x, y), proponentDiversity(lists));
 * if (v.level === 'class') console.warn(v.warning);
 */
export function collapseVerdict(spectrum: FeatureSpectrum, diversity: ProponentDiversity | null, options: CollapseVerdictOptions = {}): CollapseVerdict {
  const t = resolveCollapseThresholds(options.thresholds);
  const queries = options.queries ?? 'test rows';
  const checks: CollapseCheck[] = [];
  const skipped: CollapseCheck['id'][] = [];
  const u = spectrum.uncentred;
  const shape = u.participationRatio < 2 ? 'nearly rank-1' : 'concentrated in a few directions';
  checks.push(check('participation-ratio', u.participationRatio, t.minParticipationRatio, 'min',
    `The features are ${shape}: participation ratio ${num(u.participationRatio)} (instance-level: at least ${t.minParticipationRatio}); the top direction holds ${pct(u.topShare)} of the energy, so the kernel ⟨f_test, f_train⟩ mostly measures that one direction.`));
  const w = spectrum.withinClass;
  if (w === null) skipped.push('within-class-participation-ratio');
  else {
    checks.push(check('within-class-participation-ratio', w.pooled.participationRatio, t.minWithinClassParticipationRatio, 'min',
      `Within a class the features barely vary: within-class participation ratio ${num(w.pooled.participationRatio)} (instance-level: at least ${t.minWithinClassParticipationRatio}), so rows of one class look alike to the kernel.`));
  }
  const p = diversity?.proponents;
  if (p === undefined || p.top1Row === null) skipped.push('top1-concentration');
  else {
    const who = p.top1Id === null || p.top1Id === String(p.top1Row) ? `row ${p.top1Row}` : `${p.top1Id}, row ${p.top1Row}`;
    checks.push(check('top1-concentration', p.top1Concentration, t.maxTop1Concentration, 'max',
      `One training row (${who}) is the top proponent of ${pct(p.top1Concentration)} of the ${queries} (${p.top1Count} of ${p.queries}; instance-level: at most ${pct(t.maxTop1Concentration)}).`));
  }
  if (p === undefined || p.meanJaccard === null) skipped.push('mean-jaccard');
  else {
    checks.push(check('mean-jaccard', p.meanJaccard, t.maxMeanJaccard, 'max',
      `Different ${queries} get largely the same top-${p.k} proponents: mean pairwise Jaccard ${p.meanJaccard.toFixed(2)} (instance-level: at most ${t.maxMeanJaccard}).`));
  }
  const failing = checks.filter((c) => !c.pass);
  const level = failing.length === 0 ? 'instance' : 'class';
  const figure = (c: CollapseCheck): string => {
    const v = c.id === 'top1-concentration' ? pct(c.value) : c.id === 'mean-jaccard' ? c.value.toFixed(2) : num(c.value);
    const th = c.id === 'top1-concentration' ? pct(c.threshold) : String(c.threshold);
    return `${c.id} ${v} (${c.bound === 'min' ? '≥' : '≤'} ${th}: ${c.pass ? 'ok' : 'FAIL'})`;
  };
  const summary = `${level}-level explanations: ${checks.map(figure).join(', ')}${skipped.length > 0 ? `; not checked: ${skipped.join(', ')}` : ''}`;
  const warning = level === 'instance' ? null : ['explanations are class-level, not about the individual input.', ...failing.map((c) => c.sentence as string)].join(' ');
  return { level, checks, skipped, summary, warning };
}
