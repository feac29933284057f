import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ModelLoadError } from '../errors.js';
import { LazyWeightMap } from './lazy-weights.js';
import { readCheckpointJson } from './read-json.js';
import { indexSafetensorsFile, type TensorLocation } from './safetensors-index.js';

/** The single-file weights `save_pretrained` writes. */
export const SAFETENSORS_FILE = 'model.safetensors';
/** The index of sharded weights (`save_pretrained` past `max_shard_size`). */
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';

/** The weights of a checkpoint folder, every float tensor decoded to float32 when read. */
export interface CheckpointWeights {
  /**
   * Every tensor under its HF name, read on demand (a `LazyWeightMap`): `get` reads and decodes
   * the tensor from its file each time it is called, and nothing decoded is kept.
   */
  weights: LazyWeightMap;
  /**
   * sha256 (hex) of the weight bytes: of `model.safetensors`, or of the shards' bytes in the
   * order their file names sort. Recorded as the store manifest's `modelHash`.
   */
  modelHash: string;
  /** Weight files read, relative to the folder. */
  files: string[];
}

/** Weight files of other formats, and what to tell the user about each. */
const OTHER_FORMATS: readonly { file: string; advice: (dir: string) => string }[] = [
  { file: 'pytorch_model.bin', advice: binAdvice },
  {
    file: 'pytorch_model.bin.index.json',
    advice: (dir) =>
      'sharded PyTorch pickle weights are not read (unpickling runs code, and there is no torch here). Convert them once to sharded ' +
      `safetensors, with only torch installed: python3 tools/convert/bin-to-safetensors.py '${dir}' (from the dualxda repository)`,
  },
  { file: 'tf_model.h5', advice: () => 'TensorFlow weights are not read; re-save the model from transformers with save_pretrained(dir) (safetensors is its default)' },
  { file: 'flax_model.msgpack', advice: () => 'Flax weights are not read; re-save the model from transformers with save_pretrained(dir) (safetensors is its default)' },
];

function binAdvice(dir: string): string {
  return (
    'PyTorch pickle weights are not read (unpickling runs code, and there is no torch here). Convert them once, ' +
    `with only torch installed: python3 tools/convert/bin-to-safetensors.py '${dir}' (from the dualxda repository); ` +
    `or with the safetensors package: python3 -c "import torch, safetensors.torch as st; sd = torch.load('${join(dir, 'pytorch_model.bin')}', map_location='cpu'); ` +
    `st.save_file({k: v.contiguous().clone() for k, v in sd.items()}, '${join(dir, SAFETENSORS_FILE)}', metadata={'format': 'pt'})"`
  );
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/**
 * Reads the weights of a checkpoint folder as `save_pretrained` writes them: `model.safetensors`,
 * or `model.safetensors.index.json` plus its shards. Only the headers are kept (each file is read
 * once, in pieces, for `modelHash`); `weights.get(name)` reads and decodes that tensor when called,
 * F32/F16/BF16/F64 to float32, and refuses a file changed since (see `LazyWeightMap`).
 *
 * @throws ModelLoadError naming the file: no weights, a `pytorch_model.bin` only (with the
 *   conversion command), a broken index, a shard missing or lacking a tensor its index lists.
 * @example
 * const { weights, modelHash } = await readCheckpointWeights('/abs/tiny-llama');
 * weights.get('score.weight')?.shape; // [3, 32]
 */
export async function readCheckpointWeights(dir: string): Promise<CheckpointWeights> {
  if ((await locateWeights(dir)) === 'single') {
    const hash = createHash('sha256');
    const weights = new LazyWeightMap(await indexSafetensorsFile(dir, SAFETENSORS_FILE, hash));
    return { weights, modelHash: hash.digest('hex'), files: [SAFETENSORS_FILE] };
  }
  return readSharded(dir);
}

/**
 * Which safetensors layout a folder holds, without reading the weights (so a folder with only
 * `pytorch_model.bin` fails before anything slow happens).
 *
 * @throws ModelLoadError as {@link readCheckpointWeights}.
 * @example
 * await locateWeights('/abs/sharded-model'); // 'sharded'
 */
export async function locateWeights(dir: string): Promise<'single' | 'sharded'> {
  if (await exists(join(dir, SAFETENSORS_FILE))) return 'single';
  if (await exists(join(dir, SAFETENSORS_INDEX_FILE))) return 'sharded';
  for (const other of OTHER_FORMATS) {
    if (await exists(join(dir, other.file))) throw new ModelLoadError(dir, other.file, other.advice(dir));
  }
  throw new ModelLoadError(dir, SAFETENSORS_FILE, `file is missing (and there is no ${SAFETENSORS_INDEX_FILE} of sharded weights)`);
}

async function readSharded(dir: string): Promise<CheckpointWeights> {
  const index = await readCheckpointJson(dir, SAFETENSORS_INDEX_FILE);
  const map = index['weight_map'];
  if (map === null || typeof map !== 'object' || Array.isArray(map) || Object.keys(map).length === 0) {
    throw new ModelLoadError(dir, SAFETENSORS_INDEX_FILE, 'field "weight_map" must be a non-empty object of tensor name → shard file');
  }
  const byShard = new Map<string, string[]>();
  for (const [name, file] of Object.entries(map as Record<string, unknown>)) {
    // Shards sit beside the index: a path would let an index read files outside the folder.
    if (typeof file !== 'string' || file === '' || basename(file) !== file || file === '..') {
      throw new ModelLoadError(dir, SAFETENSORS_INDEX_FILE, `weight_map["${name}"] must be a file name in the folder, got ${JSON.stringify(file)}`);
    }
    byShard.set(file, [...(byShard.get(file) ?? []), name]);
  }
  const files = [...byShard.keys()].sort();
  const hash = createHash('sha256');
  const weights = new Map<string, TensorLocation>();
  for (const file of files) {
    const shard = await indexSafetensorsFile(dir, file, hash);
    for (const name of byShard.get(file) ?? []) {
      const t = shard.get(name);
      if (t === undefined) throw new ModelLoadError(dir, file, `tensor "${name}" listed in ${SAFETENSORS_INDEX_FILE} is missing from this shard`);
      weights.set(name, t);
    }
  }
  return { weights: new LazyWeightMap(weights), modelHash: hash.digest('hex'), files };
}
