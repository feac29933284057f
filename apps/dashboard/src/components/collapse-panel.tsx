import type { ReactNode } from 'react';
import type { CollapseReport } from '../lib/api-types.js';
import { collapseView } from '../services/collapse.js';
import { formatRoute } from '../services/route.js';

/**
 * "Are the explanations about the input?": the collapse alarm recorded by `dualxda fit`, with a
 * warning banner when explanations are class-level (docs/attribution.md "Collapse alarm").
 */
export function CollapsePanel({ report, classNames }: { report: CollapseReport | null | undefined; classNames: readonly string[] }): ReactNode {
  const view = collapseView(report, classNames);
  if (view === null) {
    return (
      <section data-testid="collapse-report">
        <h3>Are the explanations about the input?</h3>
        <p>Not recorded for this run: refit with <code>dualxda fit STORE</code> (or run <code>dualxda inspect STORE</code>).</p>
      </section>
    );
  }
  return (
    <section data-testid="collapse-report">
      <h3>Are the explanations about the input?</h3>
      {view.warning === null ? (
        <p className="banner ok" data-testid="collapse-ok">
          Yes: instance-level. Different test examples get different proponents, and the features spread over many directions.
        </p>
      ) : (
        <p className="banner warn" role="alert" data-testid="collapse-warning">
          <strong>Class-level explanations.</strong> {view.warning.replace(/^explanations are class-level, not about the individual input\.\s*/, '')}
        </p>
      )}
      <dl className="facts" data-testid="collapse-figures">
        {view.figures.flatMap((f) => [
          <dt key={`${f.label}-l`}>{f.label}</dt>,
          <dd key={`${f.label}-v`} className={f.check === undefined ? undefined : f.check.pass ? 'pass' : 'fail'}>
            {f.row === undefined ? f.value : <a href={formatRoute({ view: 'train', row: f.row })}>{f.value}</a>}
            {f.check === undefined ? null : ` (instance-level: ${f.check.threshold}${f.check.pass ? '' : ', not met'})`}
          </dd>,
        ])}
      </dl>
      <small>
        Spectrum of {view.rows.toLocaleString()} training rows × {view.dim}; diversity over {view.sample}.
      </small>
    </section>
  );
}
