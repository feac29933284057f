import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { formatScore } from '../services/format.js';
import { divergingColor, textColorFor } from '../services/heatmap-colors.js';
import { rankUnits } from '../services/heatmap-summary.js';
import type { HeatmapUnit } from '../services/wordpiece-merge.js';

/** A score with its sign, so supporting values read as such ("+0.0123"). */
export function signedScore(x: number): string {
  const s = formatScore(x);
  return x > 0 && !s.startsWith('+') ? `+${s}` : s;
}

/** Keys that move the focus among the tokens (a roving tabindex: Tab enters and leaves the text once). */
const STEP: Readonly<Record<string, (i: number, n: number) => number>> = {
  ArrowRight: (i, n) => Math.min(n - 1, i + 1),
  ArrowDown: (i, n) => Math.min(n - 1, i + 1),
  ArrowLeft: (i) => Math.max(0, i - 1),
  ArrowUp: (i) => Math.max(0, i - 1),
  Home: () => 0,
  End: (_, n) => n - 1,
};

/**
 * Words (or tokens) coloured red (supports) / blue (opposes) on the colour scale `scale`. Each is
 * focusable with the arrow keys and names its value; the value of the hovered or focused one shows
 * below the text, so it reads without a mouse. `note` marks a text the model saw only in part;
 * `at` (token rows) outlines the unit holding that token position.
 */
export function Heatmap(props: { heading: string; units: readonly HeatmapUnit[]; testId: string; scale: number; unit: string; note?: string | undefined; at?: number | undefined }): ReactNode {
  const [active, setActive] = useState<number | null>(null);
  const [focusable, setFocusable] = useState(0);
  const list = useRef<HTMLDivElement>(null);
  const { units, scale } = props;
  const onKey = (e: KeyboardEvent<HTMLSpanElement>, i: number): void => {
    const step = STEP[e.key];
    if (step === undefined || units.length === 0) return;
    e.preventDefault();
    const next = step(i, units.length);
    setFocusable(next);
    (list.current?.children[next] as HTMLElement | undefined)?.focus();
  };
  const shown = active === null ? undefined : units[active];
  return (
    <section className="heatmap" data-testid={props.testId}>
      <h3>{props.heading}</h3>
      {props.note === undefined ? null : (
        <p className="banner warn" data-testid={`${props.testId}-truncated`}>
          ✂ {props.note}
        </p>
      )}
      <div className="tokens" role="list" aria-label={`${props.heading}: ${units.length} ${props.unit}s with their relevance`} ref={list}>
        {units.map((u, i) => (
          <span
            key={u.from}
            role="listitem"
            className={props.at !== undefined && u.from <= props.at && props.at < u.to ? 'tok at' : 'tok'}
            {...(props.at !== undefined && u.from <= props.at && props.at < u.to ? { 'data-testid': `${props.testId}-at`, title: 'this token row' } : {})}
            tabIndex={i === focusable ? 0 : -1}
            aria-label={`${u.text}: ${signedScore(u.score)}`}
            data-score={u.score}
            style={{ background: divergingColor(u.score, scale), color: textColorFor(u.score, scale) }}
            onMouseEnter={() => setActive(i)}
            onMouseLeave={() => setActive(null)}
            onFocus={() => {
              setActive(i);
              setFocusable(i);
            }}
            onBlur={() => setActive(null)}
            onKeyDown={(e) => onKey(e, i)}
          >
            {u.text}
          </span>
        ))}
        {props.note === undefined ? null : (
          <span className="cut-marker" aria-hidden="true" title={props.note}>
            … ✂ cut here
          </span>
        )}
      </div>
      <small className="muted readout" data-testid={`${props.testId}-hover`}>
        {shown === undefined ? `Hover a ${props.unit}, or Tab into the text and use the arrow keys, to read its value.` : `“${shown.text}”: ${signedScore(shown.score)}${shown.to - shown.from > 1 ? ` (${shown.to - shown.from} wordpieces)` : ''}`}
      </small>
      <RankedUnits units={units} testId={props.testId} unit={props.unit} />
    </section>
  );
}

/** Longest word a ranked list shows whole (a 300-character `=====` run would fill the column). */
const RANKED_CHARS = 40;

/** The side's top supporting and opposing words with their values. */
function RankedUnits({ units, testId, unit }: { units: readonly HeatmapUnit[]; testId: string; unit: string }): ReactNode {
  const { positive, negative } = rankUnits(units, 5);
  const list = (items: HeatmapUnit[], sign: 'pos' | 'neg', what: string): ReactNode => (
    <div>
      <h4>{what}</h4>
      {items.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <ol className={`ranked ${sign}`} data-testid={`${testId}-top-${sign}`}>
          {items.map((u) => (
            <li key={u.from}>
              <span className="word" title={u.text.length > RANKED_CHARS ? u.text : undefined}>
                {u.text.length > RANKED_CHARS ? `${u.text.slice(0, RANKED_CHARS - 1)}…` : u.text}
              </span>{' '}
              <span className="val">{signedScore(u.score)}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
  return (
    <div className="ranked-lists">
      {list(positive, 'pos', `Top supporting ${unit}s (+)`)}
      {list(negative, 'neg', `Top opposing ${unit}s (−)`)}
    </div>
  );
}

/** Colour bar of a scale [-scale, scale] with its numbers; `caption` says what shares it. */
export function ColorBar({ scale, caption, testId }: { scale: number; caption: string; testId: string }): ReactNode {
  const ticks = [-1, -0.5, 0, 0.5, 1];
  const stops = ticks.map((t) => divergingColor(t * scale, scale)).join(', ');
  return (
    <figure className="colorbar" data-testid={testId}>
      <div className="bar" role="img" aria-label={`colour scale from ${signedScore(-scale)} (blue, opposes) through 0 (white) to ${signedScore(scale)} (red, supports)`} style={{ background: `linear-gradient(to right, ${stops})` }} />
      <div className="ticks" aria-hidden="true">
        {ticks.map((t) => (
          <span key={t}>{t === 0 ? '0' : signedScore(t * scale)}</span>
        ))}
      </div>
      <figcaption className="muted">{caption}</figcaption>
    </figure>
  );
}
