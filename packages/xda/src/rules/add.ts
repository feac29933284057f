import { Add } from '../op-names.js';
import type { RuleConfig } from '../registry.js';

/** Residual add: proportional split R_a = a·R/(a+b) (ε → 0), which is the plain gradient. */
export const addRule: RuleConfig<typeof Add> = {
  op: Add,
  description: 'proportional split (epsilon rule on add, ε → 0)',
  conservative: () => true,
  relevance: (g) => [g, g],
};
