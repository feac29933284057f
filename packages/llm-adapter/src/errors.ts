import { DualxdaError } from '@dualxda/core';

/**
 * Tagged errors of the adapter. Each names what the user has to fix: the checkpoint folder and
 * file, the unsupported `model_type`, or the row index of a bad text.
 */

/** A checkpoint file is missing, unreadable or inconsistent; names the folder and the file. */
export class ModelLoadError extends DualxdaError {
  constructor(
    readonly dir: string,
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ModelLoadError', `${dir}/${file}: ${message}`, options);
  }
}

/** `config.json` names a `model_type` with no descriptor; lists the supported ones. */
export class UnsupportedArchitectureError extends DualxdaError {
  constructor(
    readonly modelType: string,
    readonly supported: readonly string[],
  ) {
    super('UnsupportedArchitectureError', `unsupported model_type "${modelType}"; supported: ${supported.join(', ')}`);
  }
}

/** The tokenizer can emit ids the embedding matrix has no row for. */
export class VocabMismatchError extends DualxdaError {
  constructor(
    readonly dir: string,
    readonly tokenizerVocabSize: number,
    readonly embeddingRows: number,
  ) {
    super(
      'VocabMismatchError',
      `${dir}: tokenizer vocabulary has ${tokenizerVocabSize} ids but the embedding matrix has ${embeddingRows} rows`,
    );
  }
}

/** A text is empty (or whitespace only), so it has no tokens to explain. */
export class EmptyTextError extends DualxdaError {
  constructor(
    readonly index: number,
    readonly id?: string,
  ) {
    super('EmptyTextError', `text at row ${index}${id === undefined ? '' : ` (id ${id})`} is empty`);
  }
}
