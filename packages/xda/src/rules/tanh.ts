import { Tanh } from '../op-names.js';
import { defineIdentityRule } from './identity.js';

/** tanh (BERT pooler): identity rule (AttnLRP). */
export const tanhRule = defineIdentityRule(Tanh, 'tanh');
