import type { DualDAModel } from '@dualxda/core';
import { InputError } from '../errors.js';

/** Where test rows came from, as far as compatibility goes. */
export interface Provenance {
  /** The test store path/URL, or the checkpoint directory that embedded texts. */
  source: string;
  /** Hash of the checkpoint weights the features came from ('' = unknown). */
  modelHash: string;
  classNames: readonly string[];
}

const short = (h: string): string => (h === '' ? '(none)' : h.slice(0, 12));

/**
 * Checks that test rows can be explained by `model`: same feature dimension (always required),
 * same class names and same checkpoint hash (required unless `allowMismatch`, then a warning).
 * Explanations that mix two checkpoints' feature spaces look plausible and are meaningless.
 */
export function checkCompatible(model: DualDAModel, dim: number, test: Provenance, allowMismatch: boolean, warn: (line: string) => void): void {
  const d = model.weights.length / Math.max(1, model.classNames.length);
  if (dim !== d) {
    throw new InputError(test.source, `has ${dim}-dimensional features, but the model was fitted on ${d}-dimensional ones`, 'embed the test inputs with the checkpoint that built STORE (dualxda cache --model ...)');
  }
  const problems: string[] = [];
  const ids = model.classIds;
  if (ids !== undefined) {
    // A candidate-set model (`fit --classes`): its class k is the test side's class ids[k].
    const bad = ids.findIndex((c, k) => test.classNames.length > 0 && test.classNames[c] !== model.classNames[k]);
    if (bad >= 0) problems.push(`class ${ids[bad]} is ${JSON.stringify(test.classNames[ids[bad] as number] ?? '(none)')}, but the model's candidate class ${bad} (store class ${ids[bad]}) is ${JSON.stringify(model.classNames[bad])}`);
  } else if (test.classNames.length > 0 && test.classNames.join('\u0000') !== model.classNames.join('\u0000')) {
    problems.push(`classes [${test.classNames.join(', ')}] differ from the model's [${model.classNames.join(', ')}]`);
  }
  if (test.modelHash !== '' && model.modelHash !== '' && test.modelHash !== model.modelHash) {
    problems.push(`checkpoint ${short(test.modelHash)} differs from the one STORE was cached with (${short(model.modelHash)})`);
  }
  if (problems.length === 0) return;
  if (allowMismatch) {
    warn(`${test.source}: ${problems.join('; ')} (--allow-mismatch: explaining anyway; scores compare two different feature spaces)`);
    return;
  }
  throw new InputError(test.source, `${problems.join('; ')}: explanations would mix two models`, 'use the checkpoint and stores that built STORE, or pass --allow-mismatch if this is deliberate');
}
