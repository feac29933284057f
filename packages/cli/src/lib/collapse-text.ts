/** Human-readable lines of a collapse report, shared by `fit`, `inspect` and `demo`. */
import type { CollapseReport, RankingDiversity, SpectrumStats } from '@dualxda/core';
import type { RunContext } from '../context.js';
import { formatPercent } from './text.js';

const ratio = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(1));

function spectrumLine(label: string, s: SpectrumStats): string {
  return `${label.padEnd(26)} participation ratio ${ratio(s.participationRatio)}, effective rank ${ratio(s.effectiveRank)}, top direction ${formatPercent(s.topShare)} of the energy`;
}

function diversityLine(label: string, d: RankingDiversity): string {
  const name = d.top1Id === null || d.top1Id === String(d.top1Row) ? `row ${d.top1Row}` : `${d.top1Id}, row ${d.top1Row}`;
  const who = d.top1Row === null ? 'none' : `${name}: top-1 of ${d.top1Count} of ${d.queries}`;
  const jaccard = d.meanJaccard === null ? '-' : d.meanJaccard.toFixed(2);
  return `${label.padEnd(12)} top-1 concentration ${formatPercent(d.top1Concentration)} (${who}), ${d.distinctTop1} distinct top-1 rows, mean top-${d.k} Jaccard ${jaccard}`;
}

/**
 * The report as indented lines (no warning: callers print `report.verdict.warning` through
 * `ctx.warn`, so it reaches stderr even under --json).
 */
export function collapseLines(report: CollapseReport, classNames: readonly string[]): string[] {
  const { spectrum: s, diversity: d, queries: q, verdict: v } = report;
  const out = [`  feature spectrum of ${s.rows} training rows x ${s.dim} (the uncentred one is what the kernel <f_test, f_train> sees):`];
  out.push(`    ${spectrumLine('uncentred second moment:', s.uncentred)}`);
  out.push(`    ${spectrumLine('centred covariance:', s.centred)}`);
  if (s.withinClass !== null) {
    const w = s.withinClass;
    out.push(`    ${spectrumLine('within class (pooled):', w.pooled)}`);
    const per = w.perClass.map((c) => `${classNames[c.label] ?? c.label} ${ratio(c.participationRatio)}`).join(', ');
    out.push(`    ${''.padEnd(26)} per class: ${per} (min ${ratio(w.minParticipationRatio)}, mean ${ratio(w.meanParticipationRatio)})`);
  }
  if (d !== null && q !== null) {
    const from = q.source === 'test' ? `${q.sampled} of ${q.rows} test rows` : `${q.sampled} of ${q.rows} training rows (own row excluded)`;
    out.push(`  proponent diversity over ${from}, explaining the ${q.targets === 'model' ? "network's" : "surrogate's"} prediction:`);
    out.push(`    ${diversityLine('proponents:', d.proponents)}`);
    if (d.opponents !== null) out.push(`    ${diversityLine('opponents:', d.opponents)}`);
  }
  out.push(`  verdict: ${v.summary}`);
  return out;
}

/** Prints the report under `heading` to stdout and its warning (when class-level) to stderr. */
export function printCollapseReport(report: CollapseReport, classNames: readonly string[], ctx: RunContext, heading = `collapse check: ${report.verdict.level}-level explanations`): void {
  ctx.print(heading);
  for (const line of collapseLines(report, classNames)) ctx.print(line);
  if (report.verdict.warning !== null) ctx.warn(report.verdict.warning);
}
