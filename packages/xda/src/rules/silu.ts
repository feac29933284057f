import { Silu } from '../op-names.js';
import { defineIdentityRule } from './identity.js';

/** SiLU: identity rule (AttnLRP); under CP-LRP the gate branch gets no relevance anyway. */
export const siluRule = defineIdentityRule(Silu, 'SiLU');
