/** Shapes the collapse panel renders (built by `collapseView`). */
import type { CollapseReport } from '../lib/api-types.js';

export type CheckId = CollapseReport['verdict']['checks'][number]['id'];

/** One labelled figure; `check` when the verdict judged it, `row` to link a training row. */
export interface CollapseFigure {
  label: string;
  value: string;
  check?: { threshold: string; pass: boolean } | undefined;
  row?: number | undefined;
}

export interface CollapseView {
  level: 'instance' | 'class';
  warning: string | null;
  figures: CollapseFigure[];
  /** Where the diversity queries came from, in words. */
  sample: string;
  rows: number;
  dim: number;
}
