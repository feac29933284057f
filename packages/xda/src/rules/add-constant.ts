import { AddConstant } from '../op-names.js';
import type { RuleConfig } from '../registry.js';

/**
 * `x + c` with a constant c (position / token-type embeddings): proportional split; c's share is
 * absorbed (ledger `AddConstant`), so token relevance is the word-embedding share, as in LXT.
 */
export const addConstantRule: RuleConfig<typeof AddConstant> = {
  op: AddConstant,
  description: 'proportional split; the constant absorbs its share',
  conservative: () => false,
  relevance: (g) => [g],
};
