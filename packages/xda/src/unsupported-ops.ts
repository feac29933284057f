/**
 * Ops without a relevance rule, each with the reason the ordinary gradient is right for it (or
 * `null` when the op is refused). The rule-coverage test asserts every op of every architecture
 * is either ruled or listed here.
 */
import type { OpName } from './op-names.js';

export const UNSUPPORTED_OPS: Partial<Record<OpName, string | null>> = {
  RoPE: 'linear in x with constant cos/sin and no bias: the gradient is LRP-0 and conserves',
  SplitHeads: 'reshape/transpose: the gradient moves relevance unchanged',
  MergeHeads: 'reshape/transpose: the gradient moves relevance unchanged',
  RepeatKV: 'copies kv heads: the gradient sums the copies, conserving relevance',
  SelectToken: 'gather of one position: relevance goes to that position only',
  Dropout: null,
};
