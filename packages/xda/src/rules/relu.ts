import { Relu } from '../op-names.js';
import { defineIdentityRule } from './identity.js';

/** ReLU (DistilBERT `pre_classifier`, `activation: "relu"` FFNs): identity rule (AttnLRP). */
export const reluRule = defineIdentityRule(Relu, 'relu');
