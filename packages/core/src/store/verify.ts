import type { ChunkSidecar, Scratch } from './checksum.js';
import { readSidecar, readVerified } from './checksum.js';
import { isDualxdaError } from '../errors.js';
import type { BuildSpec } from './layout.js';
import { arraySpecs, chunkKey } from './layout.js';
import type { StoreIO } from './store-io.js';

/** Result of checking one row-chunk: complete (with its sidecar) or the reason it is not. */
export type ChunkStatus = { ok: true; sidecar: ChunkSidecar } | { ok: false; problem: string };

/**
 * Checks that row-chunk `k` has a sidecar and that every array's chunk file matches it
 * (size always, sha256 when `verify`). Never throws for a bad chunk: returns the reason. The
 * files are read into `scratch` (one buffer for all of them; pass one per concurrent call).
 */
export async function checkChunk(io: StoreIO, spec: BuildSpec, k: number, verify: boolean, scratch: Scratch = {}): Promise<ChunkStatus> {
  const sidecar = await readSidecar(io, k);
  if (sidecar === undefined) return { ok: false, problem: `chunk ${k}: not written` };
  const start = k * spec.chunkRows;
  if (sidecar.chunk !== k || sidecar.start !== start || sidecar.end !== Math.min(spec.rows, start + spec.chunkRows)) {
    return { ok: false, problem: `chunk ${k}: sidecar describes another chunk` };
  }
  for (const a of arraySpecs(spec)) {
    try {
      await readVerified(io, a.name, k, chunkKey(a, k), sidecar.arrays[a.name], verify, scratch);
    } catch (err) {
      if (isDualxdaError(err, 'ChunkError')) return { ok: false, problem: err.message.replace(`${io.path}: `, '') };
      throw err;
    }
  }
  return { ok: true, sidecar };
}
