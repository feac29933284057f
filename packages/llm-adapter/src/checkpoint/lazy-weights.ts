import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors, type SafetensorsTensor } from '@dualxda/core';
import { ModelLoadError } from '../errors.js';
import { MAX_READ, stampChange, type TensorLocation } from './safetensors-index.js';

/**
 * A checkpoint's weights that hold only where each tensor lies: `get(name)` reads that tensor's
 * bytes from its file (synchronously) and decodes them with core's `parseSafetensors`, the decoder
 * the eager reader used, so the values are the same bit for bit. Nothing is cached: each `get`
 * decodes afresh and returns arrays the caller owns (a float32 array owns its whole buffer), so a
 * model built from the map keeps only its own copies. A caller that reads a weight many times keeps
 * the tensor. `has`, `keys` and `size` read no data. `values`, `entries`, `forEach` and iteration
 * read none either: they yield tensors whose `data` is read and decoded on its first access (then
 * kept by that tensor object), so a scan of names and shapes costs nothing.
 *
 * Each read re-checks the file against its size, mtime and inode at load and refuses one that
 * changed (the values would no longer be those `modelHash` names).
 *
 * @example
 * const { weights } = await readCheckpointWeights('/abs/tiny-llama');
 * weights.has('score.weight'); // true, nothing read
 * const w = weights.get('score.weight'); // read and decoded now
 */
export class LazyWeightMap implements ReadonlyMap<string, SafetensorsTensor> {
  readonly #at: ReadonlyMap<string, TensorLocation>;
  /** Tensors decoded once and held by the checkpoint anyway (its heads): `get` returns them. */
  readonly #held = new Map<string, SafetensorsTensor>();

  constructor(locations: ReadonlyMap<string, TensorLocation>) {
    this.#at = locations;
  }

  get size(): number {
    return this.#at.size;
  }

  has(name: string): boolean {
    return this.#at.has(name);
  }

  /** dtype and shape of a tensor, without reading it; undefined when absent. */
  describe(name: string): { dtype: string; shape: readonly number[]; file: string } | undefined {
    const at = this.#at.get(name);
    return at === undefined ? undefined : { dtype: at.dtype, shape: at.shape, file: at.source.file };
  }

  /**
   * Makes `get(name)` return `tensor` (read-only by contract) instead of decoding afresh: for what
   * the checkpoint holds decoded anyway, its heads, so that a model built from the map shares
   * those arrays (a tied LM head and the embedding table are one 545 MB array at a 151,936-token
   * vocabulary, not two).
   */
  hold(name: string, tensor: { shape: readonly number[]; data: SafetensorsTensor['data'] }): void {
    const at = this.#at.get(name);
    if (at === undefined || at.shape.length !== tensor.shape.length || at.shape.some((s, i) => s !== tensor.shape[i])) {
      throw new RangeError(`hold("${name}"): no tensor of shape [${tensor.shape.join(', ')}] in the map`);
    }
    this.#held.set(name, { dtype: at.dtype, shape: [...tensor.shape], data: tensor.data });
  }

  /**
   * Reads and decodes one tensor (a fresh copy on every call), or returns the one `hold` kept.
   *
   * @throws ModelLoadError naming the file and tensor: the file is gone, changed since the
   *   checkpoint was loaded, or cannot be read.
   */
  get(name: string): SafetensorsTensor | undefined {
    const at = this.#at.get(name);
    return at === undefined ? undefined : (this.#held.get(name) ?? readTensor(name, at));
  }

  keys(): MapIterator<string> {
    return this.#at.keys();
  }

  *values(): MapIterator<SafetensorsTensor> {
    for (const [name, at] of this.#at) yield this.#held.get(name) ?? deferredTensor(name, at);
  }

  *entries(): MapIterator<[string, SafetensorsTensor]> {
    for (const [name, at] of this.#at) yield [name, this.#held.get(name) ?? deferredTensor(name, at)];
  }

  [Symbol.iterator](): MapIterator<[string, SafetensorsTensor]> {
    return this.entries();
  }

  forEach(fn: (value: SafetensorsTensor, key: string, map: ReadonlyMap<string, SafetensorsTensor>) => void, thisArg?: unknown): void {
    for (const [name, at] of this.#at) fn.call(thisArg, this.#held.get(name) ?? deferredTensor(name, at), name, this);
  }

  get [Symbol.toStringTag](): string {
    return 'LazyWeightMap';
  }
}

/**
 * A tensor whose `data` is read on first access: iterating the map for names and shapes (e.g. to
 * size a model) must not decode a whole checkpoint.
 */
function deferredTensor(name: string, at: TensorLocation): SafetensorsTensor {
  let data: SafetensorsTensor['data'] | undefined;
  return {
    dtype: at.dtype,
    shape: [...at.shape],
    get data() {
      return (data ??= readTensor(name, at).data);
    },
  };
}

/** One tensor's bytes, wrapped as a one-tensor safetensors file so core does the decoding. */
function readTensor(name: string, at: TensorLocation): SafetensorsTensor {
  const { dir, file } = at.source;
  const fail = (msg: string, cause?: unknown): ModelLoadError => new ModelLoadError(dir, file, `tensor "${name}": ${msg}`, { cause });
  let fd: number;
  try {
    fd = openSync(join(dir, file), 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'the file was removed after the checkpoint was loaded; load it again' : `cannot be read (${code ?? String(cause)})`, cause);
  }
  try {
    const changed = (): void => {
      const change = stampChange(at.source, fstatSync(fd));
      if (change !== null) throw fail(`the file changed after the checkpoint was loaded (${change}); load the checkpoint again`);
    };
    changed();
    const bytes = at.end - at.begin;
    const mini = new TextEncoder().encode(JSON.stringify({ [name]: { dtype: at.dtype, shape: at.shape, data_offsets: [0, bytes] } }));
    const buf = new Uint8Array(8 + mini.length + bytes);
    new DataView(buf.buffer).setBigUint64(0, BigInt(mini.length), true);
    buf.set(mini, 8);
    for (let done = 0; done < bytes; ) {
      const n = readSync(fd, buf, 8 + mini.length + done, Math.min(MAX_READ, bytes - done), at.begin + done);
      if (n === 0) throw fail(`unexpected end of file at byte ${at.begin + done}`);
      done += n;
    }
    // A rewrite during the read would mix two versions.
    changed();
    const decoded = parseSafetensors(buf, join(dir, file)).get(name);
    if (decoded === undefined) throw fail('was not decoded');
    return decoded;
  } catch (cause) {
    if (cause instanceof ModelLoadError) throw cause;
    throw fail(String((cause as Error).message ?? cause), cause);
  } finally {
    closeSync(fd);
  }
}
