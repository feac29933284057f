import { performance } from 'node:perf_hooks';

/** Summary statistics of repeated timings, in milliseconds. */
export interface TimingStats {
  runs: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

/** Percentile by nearest rank on a sorted copy (no interpolation, so p100 is the max). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile: no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Summarises timings (ms). */
export function summarize(values: readonly number[]): TimingStats {
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    runs: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    min: Math.min(...values),
    max: Math.max(...values),
    mean: sum / values.length,
  };
}

/** Times `fn` `runs` times after `warmup` untimed calls. */
export async function timeRuns(fn: () => unknown, { runs = 20, warmup = 2 } = {}): Promise<TimingStats> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return summarize(out);
}

/**
 * Samples resident set size while work runs and reports the peak in MiB: `process.resourceUsage`
 * gives the process-lifetime max, which would include earlier phases, so we poll instead.
 */
export function trackPeakRss(intervalMs = 25): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak / 2 ** 20;
    },
  };
}

/** Prints one benchmark result as a single JSON line on stdout (the contract of tools/bench). */
export function printBenchJson(name: string, result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: name, node: process.version, ...result })}\n`);
}
