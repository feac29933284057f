/**
 * Checks a zarr.json document against the Zarr v3 core specification's metadata rules (not just
 * "zarrita can read it"): required keys and their types, a fill value of the data type, a codec
 * chain with exactly one array-to-bytes codec in the right place, and no unknown keys unless
 * marked `must_understand: false`. Returns the problems, [] when the document conforms.
 */
const INT_RANGES: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-9223372036854775808n, 9223372036854775807n],
  uint8: [0n, 255n],
  uint16: [0n, 65535n],
  uint32: [0n, 4294967295n],
  uint64: [0n, 18446744073709551615n],
};
const FLOATS = new Set(['float16', 'float32', 'float64']);
const BYTE_SIZES: Record<string, number> = { bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, float16: 2, int32: 4, uint32: 4, float32: 4, int64: 8, uint64: 8, float64: 8 };
/** Data types this project writes beyond the core ones: variable-length UTF-8 strings. */
const EXTENSION_TYPES = new Set(['string']);
const ARRAY_TO_ARRAY = new Set(['transpose']);
const ARRAY_TO_BYTES = new Set(['bytes', 'vlen-utf8', 'vlen-bytes', 'sharding_indexed']);
const BYTES_TO_BYTES = new Set(['gzip', 'zstd', 'blosc', 'crc32c']);
const ARRAY_KEYS = new Set(['zarr_format', 'node_type', 'shape', 'data_type', 'chunk_grid', 'chunk_key_encoding', 'fill_value', 'codecs', 'attributes', 'storage_transformers', 'dimension_names']);
const GROUP_KEYS = new Set(['zarr_format', 'node_type', 'attributes']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, min: number): boolean => Number.isSafeInteger(v) && (v as number) >= min;

function fillValueProblem(dtype: string, v: unknown): string | undefined {
  if (dtype === 'bool') return typeof v === 'boolean' ? undefined : 'must be true or false';
  const range = INT_RANGES[dtype];
  if (range !== undefined) {
    if (!Number.isInteger(v)) return 'must be an integer';
    const b = BigInt(v as number);
    return b < range[0] || b > range[1] ? `is out of range for ${dtype}` : undefined;
  }
  if (FLOATS.has(dtype)) {
    if (typeof v === 'number') return undefined;
    return typeof v === 'string' && (['NaN', 'Infinity', '-Infinity'].includes(v) || /^0x[0-9a-f]+$/i.test(v)) ? undefined : 'must be a number, "NaN", "Infinity", "-Infinity" or a hex string';
  }
  if (EXTENSION_TYPES.has(dtype)) return typeof v === 'string' ? undefined : 'must be a string';
  return undefined;
}

function codecProblems(dtype: string, codecs: unknown): string[] {
  if (!Array.isArray(codecs) || codecs.length === 0) return ['codecs must be a non-empty list (it needs one array-to-bytes codec)'];
  const out: string[] = [];
  let stage = 0; // 0: array->array, 1: after the array->bytes codec
  let seen = 0;
  for (const c of codecs) {
    if (!isObject(c) || typeof c['name'] !== 'string') {
      out.push('every codec must be {"name": ..., "configuration"?: {...}}');
      continue;
    }
    const name = c['name'];
    if (c['configuration'] !== undefined && !isObject(c['configuration'])) out.push(`codec ${name}: configuration must be an object`);
    if (ARRAY_TO_ARRAY.has(name)) {
      if (stage !== 0) out.push(`codec ${name} (array to array) must come before the array-to-bytes codec`);
    } else if (ARRAY_TO_BYTES.has(name)) {
      seen++;
      stage = 1;
      const endian = isObject(c['configuration']) ? c['configuration']['endian'] : undefined;
      if (name === 'bytes' && (BYTE_SIZES[dtype] ?? 1) > 1 && endian !== 'little' && endian !== 'big') out.push(`codec bytes: endian must be "little" or "big" for ${dtype}`);
      if (name.startsWith('vlen') && !EXTENSION_TYPES.has(dtype)) out.push(`codec ${name} is for variable-length data, not ${dtype}`);
    } else if (BYTES_TO_BYTES.has(name)) {
      if (stage !== 1) out.push(`codec ${name} (bytes to bytes) must come after the array-to-bytes codec`);
    } else out.push(`unknown codec ${name}`);
  }
  if (seen !== 1) out.push(`codecs must hold exactly one array-to-bytes codec, found ${seen}`);
  return out;
}

export function zarrV3Problems(doc: unknown): string[] {
  if (!isObject(doc)) return ['metadata must be a JSON object'];
  const out: string[] = [];
  if (doc['zarr_format'] !== 3) out.push('zarr_format must be 3');
  const kind = doc['node_type'];
  if (kind !== 'array' && kind !== 'group') return [...out, 'node_type must be "array" or "group"'];
  const known = kind === 'array' ? ARRAY_KEYS : GROUP_KEYS;
  for (const [k, v] of Object.entries(doc)) if (!known.has(k) && !(isObject(v) && v['must_understand'] === false)) out.push(`unknown key ${k} (allowed only with "must_understand": false)`);
  if (doc['attributes'] !== undefined && !isObject(doc['attributes'])) out.push('attributes must be an object');
  if (kind === 'group') return out;
  const shape = doc['shape'];
  const rank = Array.isArray(shape) ? shape.length : -1;
  if (!Array.isArray(shape) || !shape.every((s) => isCount(s, 0))) out.push('shape must be a list of non-negative integers');
  const dtype = doc['data_type'];
  if (typeof dtype !== 'string' || (BYTE_SIZES[dtype] === undefined && !EXTENSION_TYPES.has(dtype) && !/^complex(64|128)$|^r\d+$/.test(dtype))) out.push(`data_type ${JSON.stringify(dtype)} is not a Zarr v3 data type`);
  const grid = doc['chunk_grid'];
  const chunkShape = isObject(grid) && isObject(grid['configuration']) ? grid['configuration']['chunk_shape'] : undefined;
  if (!isObject(grid) || grid['name'] !== 'regular' || !Array.isArray(chunkShape) || chunkShape.length !== rank || !chunkShape.every((s) => isCount(s, 1))) {
    out.push('chunk_grid must be {"name": "regular", "configuration": {"chunk_shape": [positive integers, one per dimension]}}');
  }
  const cke = doc['chunk_key_encoding'];
  const sep = isObject(cke) && isObject(cke['configuration']) ? cke['configuration']['separator'] : undefined;
  if (!isObject(cke) || !['default', 'v2'].includes(cke['name'] as string) || (sep !== undefined && sep !== '/' && sep !== '.')) out.push('chunk_key_encoding must be "default" or "v2" with separator "/" or "."');
  if (!('fill_value' in doc) || doc['fill_value'] === null) out.push('fill_value is required and must be a value of the data type (null is not allowed)');
  else if (typeof dtype === 'string') {
    const p = fillValueProblem(dtype, doc['fill_value']);
    if (p !== undefined) out.push(`fill_value ${JSON.stringify(doc['fill_value'])} ${p}`);
  }
  if (typeof dtype === 'string') out.push(...codecProblems(dtype, doc['codecs']));
  const names = doc['dimension_names'];
  if (names !== undefined && (!Array.isArray(names) || names.length !== rank || !names.every((n) => n === null || typeof n === 'string'))) out.push('dimension_names must list a string or null per dimension');
  return out;
}
