import type { Writer } from './context.js';

/** Options of a progress bar. */
export interface ProgressOptions {
  label: string;
  /** Total units; undefined = unknown (shows count and rate only). */
  total?: number;
  /** Unit name for the rate, e.g. `rows`. */
  unit?: string;
  /** false forces the bar off (it is also off when quiet or not a TTY). */
  enabled?: boolean;
  now?: () => number;
}

/** A running progress bar. */
export interface Progress {
  /** Sets the absolute position. */
  update(done: number, total?: number): void;
  /** Adds to the position. */
  tick(delta?: number): void;
  /** Clears the line; prints a final summary line unless quiet/non-TTY. */
  done(summary?: string): void;
}

const WIDTH = 24;
/** Minimum interval between redraws, so a tight loop does not flood the terminal. */
const REDRAW_MS = 100;

/** `12.3k rows/s`-style rate. */
export function formatRate(perSecond: number, unit: string): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return `- ${unit}/s`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(1)}k ${unit}/s`;
  if (perSecond >= 10) return `${perSecond.toFixed(0)} ${unit}/s`;
  return `${perSecond.toFixed(2)} ${unit}/s`;
}

/** `1m05s`-style duration. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Renders one bar line (pure, for tests). */
export function renderProgressLine(label: string, done: number, total: number | undefined, elapsedS: number, unit: string): string {
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const rateText = formatRate(rate, unit);
  if (total === undefined || total <= 0) return `${label} ${done} ${unit} | ${rateText} | ${formatDuration(elapsedS)}`;
  const frac = Math.min(1, done / total);
  const filled = Math.round(frac * WIDTH);
  const eta = rate > 0 ? (total - done) / rate : Number.NaN;
  const pct = `${(frac * 100).toFixed(0)}%`.padStart(4);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${pct} ${done}/${total} ${unit} | ${rateText} | ETA ${formatDuration(eta)}`;
}

/** Creates a progress bar writing to `stream` (a no-op when disabled). */
export function createProgress(stream: Writer, options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const unit = options.unit ?? 'items';
  const start = now();
  let done = 0;
  let total = options.total;
  let lastDraw = -Infinity;
  const enabled = options.enabled !== false;
  const draw = (force: boolean): void => {
    if (!enabled) return;
    const t = now();
    if (!force && t - lastDraw < REDRAW_MS) return;
    lastDraw = t;
    const cols = stream.columns !== undefined && stream.columns > 20 ? stream.columns : 100;
    const line = renderProgressLine(options.label, done, total, (t - start) / 1000, unit).slice(0, Math.max(20, cols - 1));
    stream.write(`\r\x1b[2K${line}`);
  };
  return {
    update(value, newTotal) {
      done = value;
      if (newTotal !== undefined) total = newTotal;
      draw(false);
    },
    tick(delta = 1) {
      done += delta;
      draw(false);
    },
    done(summary) {
      if (!enabled) return;
      stream.write('\r\x1b[2K');
      if (summary !== undefined) stream.write(`${options.label} ${summary} (${formatDuration((now() - start) / 1000)})\n`);
    },
  };
}
