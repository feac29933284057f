/**
 * Display rows for the collapse alarm (docs/attribution.md "Collapse alarm") on the global view:
 * the recorded report from `/api/summary` turned into labelled figures with their thresholds.
 */
import type { CheckId, CollapseFigure, CollapseView } from './collapse-types.js';
import type { CollapseReport } from '../lib/api-types.js';
import { formatPercent } from './format.js';

const ratio = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(1));

/** The verdict check with this id, if it was evaluated. */
function checkOf(report: CollapseReport, id: CheckId): { threshold: string; pass: boolean } | undefined {
  const c = report.verdict.checks.find((x) => x.id === id);
  if (c === undefined) return undefined;
  const th = id === 'top1-concentration' ? formatPercent(c.threshold) : String(c.threshold);
  return { threshold: `${c.bound === 'min' ? '≥' : '≤'} ${th}`, pass: c.pass };
}

/**
 * Figures in display order: spectrum (uncentred first: what the kernel sees), then proponent and
 * opponent diversity. `check` is set for the figures the verdict judged.
 *
 * @example
 * collapseView(summary.collapse, summary.classNames)?.warning; // null when instance-level
 */
export function collapseView(report: CollapseReport | null | undefined, classNames: readonly string[]): CollapseView | null {
  if (report === null || report === undefined) return null;
  const { spectrum: s, diversity: d, queries: q, verdict: v } = report;
  const figures: CollapseFigure[] = [
    { label: 'participation ratio (uncentred: what the kernel sees)', value: ratio(s.uncentred.participationRatio), check: checkOf(report, 'participation-ratio') },
    { label: 'effective rank (uncentred)', value: ratio(s.uncentred.effectiveRank) },
    { label: 'top direction share (uncentred)', value: formatPercent(s.uncentred.topShare) },
    { label: 'participation ratio (centred covariance)', value: ratio(s.centred.participationRatio) },
  ];
  if (s.withinClass !== null) {
    const w = s.withinClass;
    figures.push({ label: 'participation ratio (within class, pooled)', value: ratio(w.pooled.participationRatio), check: checkOf(report, 'within-class-participation-ratio') });
    figures.push({ label: 'within-class participation ratio per class', value: w.perClass.map((c) => `${classNames[c.label] ?? `class ${c.label}`} ${ratio(c.participationRatio)}`).join(', ') });
  }
  if (d !== null) {
    const who = d.proponents.top1Row === null ? '' : ` (${d.proponents.top1Id ?? `row ${d.proponents.top1Row}`})`;
    figures.push({ label: 'top-1 proponent concentration', value: `${formatPercent(d.proponents.top1Concentration)}${who}`, check: checkOf(report, 'top1-concentration'), row: d.proponents.top1Row ?? undefined });
    figures.push({ label: `mean Jaccard of top-${d.k} proponent sets`, value: d.proponents.meanJaccard === null ? '–' : d.proponents.meanJaccard.toFixed(2), check: checkOf(report, 'mean-jaccard') });
    figures.push({ label: 'distinct top-1 proponents', value: `${d.proponents.distinctTop1} of ${d.proponents.queries} queries` });
    if (d.opponents !== null) {
      figures.push({ label: 'top-1 opponent concentration', value: formatPercent(d.opponents.top1Concentration), row: d.opponents.top1Row ?? undefined });
      figures.push({ label: `mean Jaccard of top-${d.k} opponent sets`, value: d.opponents.meanJaccard === null ? '–' : d.opponents.meanJaccard.toFixed(2) });
    }
  }
  const sample = q === null ? 'no query sample' : `${q.sampled} of ${q.rows} ${q.source === 'test' ? 'test rows' : 'training rows (own row excluded)'}`;
  return { level: v.level, warning: v.warning, figures, sample, rows: s.rows, dim: s.dim };
}
