import { isDualxdaError } from '../errors.js';
import type { ChunkDigest } from '../store/checksum.js';
import { digestOf, sha256Hex } from '../store/checksum.js';
import { decodeVlenUtf8, encodeVlenUtf8, typedBytes, viewAs } from '../store/codec.js';
import type { StoreIO } from '../store/store-io.js';
import { jsonBytes, readJson } from '../store/store-io.js';
import { DualDAModelIoError } from './model-io-error.js';

/** Data types of the model's arrays. */
export type ModelDType = 'int32' | 'float32' | 'float64' | 'string';
type Numeric = Int32Array | Float32Array | Float64Array;

/** Attribute of each array's zarr.json holding the size and sha256 of every chunk, in chunk order. */
export const CHECKSUM_ATTR = 'dualxda_checksums';
/** Chunks stay well under Node's 2 GiB buffer limit and small enough to hash as they stream. */
const CHUNK_BYTES = 64 * 1024 * 1024;

const CTORS = { int32: Int32Array, float32: Float32Array, float64: Float64Array } as const;

/** Rows per chunk for rows of `rowBytes` (at least 1, so zero-size arrays still have a grid). */
export function chunkRowsFor(rowBytes: number, rows: number): number {
  return Math.max(1, Math.min(rows, Math.floor(CHUNK_BYTES / Math.max(1, rowBytes))));
}

function chunkKey(name: string, rank: number, k: number): string {
  return rank === 2 ? `${name}/c/${k}/0` : `${name}/c/${k}`;
}

/**
 * Zarr v3 metadata of a model array: uncompressed little-endian bytes (string arrays: vlen-utf8),
 * a regular row-chunk grid, a fill value of the data type, and the chunk checksums.
 */
export function modelArrayMetadata(dtype: ModelDType, shape: number[], chunkRows: number, checksums: ChunkDigest[]): Record<string, unknown> {
  return {
    zarr_format: 3,
    node_type: 'array',
    shape,
    data_type: dtype,
    chunk_grid: { name: 'regular', configuration: { chunk_shape: [chunkRows, ...shape.slice(1).map((s) => Math.max(1, s))] } },
    chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
    fill_value: dtype === 'string' ? '' : 0,
    codecs: [dtype === 'string' ? { name: 'vlen-utf8', configuration: {} } : { name: 'bytes', configuration: { endian: 'little' } }],
    attributes: { [CHECKSUM_ATTR]: checksums },
  };
}

/** Writes one array (metadata last, so a complete zarr.json means complete chunks). */
export async function writeModelArray(io: StoreIO, name: string, dtype: ModelDType, data: Numeric | readonly string[], shape: number[]): Promise<void> {
  const rows = shape[0] as number;
  const width = shape.slice(1).reduce((a, b) => a * b, 1);
  const elemBytes = dtype === 'string' ? 64 : CTORS[dtype].BYTES_PER_ELEMENT;
  const chunkRows = chunkRowsFor(width * elemBytes, rows);
  const checksums: ChunkDigest[] = [];
  for (let k = 0; k * chunkRows < rows; k++) {
    const from = k * chunkRows;
    const to = Math.min(rows, from + chunkRows);
    // Edge chunks are written whole (padded with the fill value), as the Zarr v3 spec expects.
    let bytes: Uint8Array;
    if (dtype === 'string') {
      const items = (data as readonly string[]).slice(from, to);
      while (items.length < chunkRows) items.push('');
      bytes = encodeVlenUtf8(items);
    } else {
      const chunk = new CTORS[dtype](chunkRows * width);
      chunk.set((data as Numeric).subarray(from * width, to * width) as never);
      bytes = typedBytes(chunk);
    }
    await io.put(chunkKey(name, shape.length, k), bytes);
    checksums.push(await digestOf(bytes));
  }
  await io.put(`${name}/zarr.json`, jsonBytes(modelArrayMetadata(dtype, shape, chunkRows, checksums)));
}

interface ArrayMeta {
  shape?: unknown;
  data_type?: unknown;
  chunk_grid?: { configuration?: { chunk_shape?: unknown } };
  attributes?: Record<string, unknown>;
}

/**
 * Reads one array written by {@link writeModelArray}, checking shape, data type and every chunk's
 * size and sha256: a flipped byte or a truncated file is an error naming the file, never a number.
 */
export async function readModelArray(io: StoreIO, name: string, dtype: ModelDType, shape: number[]): Promise<Numeric | string[]> {
  const where = `${io.path}/${name}`;
  const meta = await readJson<ArrayMeta>(io, `${name}/zarr.json`).catch((cause: unknown) => {
    // An unreachable server or a 5xx is not a damaged file: keep the URL and status.
    if (isDualxdaError(cause, 'StoreHttpError')) throw cause;
    throw new DualDAModelIoError(`${where}/zarr.json`, 'is not valid JSON', { cause });
  });
  if (meta === undefined) throw new DualDAModelIoError(where, 'array is missing (no zarr.json)');
  const got = Array.isArray(meta.shape) ? meta.shape : [];
  if (got.length !== shape.length || got.some((s, i) => s !== shape[i])) throw new DualDAModelIoError(where, `shape [${got.join(', ')}], expected [${shape.join(', ')}]`);
  if (meta.data_type !== dtype) throw new DualDAModelIoError(where, `data_type ${String(meta.data_type)}, expected ${dtype}`);
  const grid = meta.chunk_grid?.configuration?.chunk_shape;
  const chunkRows = Array.isArray(grid) ? (grid[0] as number) : NaN;
  const sums = meta.attributes?.[CHECKSUM_ATTR];
  const rows = shape[0] as number;
  const chunks = Math.ceil(rows / chunkRows);
  if (!Number.isInteger(chunkRows) || chunkRows < 1 || !Array.isArray(sums) || sums.length !== chunks) {
    throw new DualDAModelIoError(where, `zarr.json has no valid chunk grid or ${CHECKSUM_ATTR} (${chunks} chunks expected)`);
  }
  const width = shape.slice(1).reduce((a, b) => a * b, 1);
  const out = dtype === 'string' ? new Array<string>(rows) : new CTORS[dtype](rows * width);
  for (let k = 0; k < chunks; k++) {
    const key = chunkKey(name, shape.length, k);
    const bytes = await io.get(key);
    const want = sums[k] as ChunkDigest;
    if (bytes === undefined) throw new DualDAModelIoError(`${io.path}/${key}`, 'chunk file is missing');
    if (bytes.byteLength !== want.bytes) throw new DualDAModelIoError(`${io.path}/${key}`, `chunk is ${bytes.byteLength} bytes, its checksum record says ${want.bytes} (truncated or replaced)`);
    if ((await sha256Hex(bytes)) !== want.sha256) throw new DualDAModelIoError(`${io.path}/${key}`, 'chunk fails its sha256 checksum (corrupted): refit with `dualxda fit`');
    const from = k * chunkRows;
    const to = Math.min(rows, from + chunkRows);
    if (dtype === 'string') {
      const items = decodeVlenUtf8(bytes);
      for (let i = from; i < to; i++) (out as string[])[i] = items[i - from] as string;
    } else {
      const Ctor = CTORS[dtype];
      const view = viewAs(bytes, Ctor as unknown as { new (b: ArrayBuffer): Numeric; BYTES_PER_ELEMENT: number });
      (out as Numeric).set(view.subarray(0, (to - from) * width) as never, from * width);
    }
  }
  return out;
}
