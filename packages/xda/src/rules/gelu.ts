import { Gelu } from '../op-names.js';
import { defineIdentityRule } from './identity.js';

/** GELU: identity rule (AttnLRP). */
export const geluRule = defineIdentityRule(Gelu, 'GELU');
