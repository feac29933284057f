import { GeluTanh } from '../op-names.js';
import { defineIdentityRule } from './identity.js';

/** GELU, tanh approximation (Gemma's MLP gate): identity rule (AttnLRP), like exact GELU. */
export const geluTanhRule = defineIdentityRule(GeluTanh, 'GELU (tanh)');
