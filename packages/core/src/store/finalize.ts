import type { ChunkSidecar, Scratch } from './checksum.js';
import { digestOf, readVerified, writeSidecar } from './checksum.js';
import { decodeArrayChunk } from './chunk-codec.js';
import { encodeVlenUtf8, zstdCodec } from './codec.js';
import { chunksToRanges, IncompleteStoreError, StoreFormatError } from './errors.js';
import type { ArraySpec, BuildSpec } from './layout.js';
import { arrayMetadata, arraySpecs, BUILD_SPEC_KEY, chunkCount, chunkKey, MANIFEST_ATTR, SCHEMA_VERSION } from './layout.js';
import type { StoreIO, StoreTarget } from './store-io.js';
import { jsonBytes, openStoreIO, readJson } from './store-io.js';
import type { FeatureStoreManifest } from './types.js';
import { SHARD_DIR } from './shard-marker.js';
import type { ChunkFailure } from './shard-report.js';
import { reportShards } from './shard-report.js';
import { checkChunk } from './verify.js';

/** Options of `finalizeFeatureStore`. */
export interface FinalizeFeatureStoreOptions {
  /** Check sha256 of every chunk (false checks presence and size only). @default true */
  verify?: boolean;
  /** Manifest timestamp; fix it to make two builds byte-identical. @default new Date().toISOString() */
  createdAt?: string;
  /** Shard count to report against when the store is incomplete. @default the count of the newest shard marker */
  shards?: number;
}

/** Reads the build spec every writer recorded; names the store when it is missing or newer. */
export async function readBuildSpec(io: StoreIO): Promise<BuildSpec> {
  let spec: BuildSpec | undefined;
  try {
    spec = await readJson<BuildSpec>(io, BUILD_SPEC_KEY);
  } catch (cause) {
    throw new StoreFormatError(io.path, `${BUILD_SPEC_KEY} is not valid JSON`, { cause });
  }
  if (spec === undefined) throw new StoreFormatError(io.path, `no ${BUILD_SPEC_KEY}: no writer has started this store`);
  if (spec.schemaVersion > SCHEMA_VERSION) {
    throw new StoreFormatError(io.path, `written by schema version ${spec.schemaVersion}; this dualxda reads up to ${SCHEMA_VERSION} (upgrade dualxda)`);
  }
  return spec;
}

/** Rewrites an int64 ids chunk as strings, so all chunks share the type the metadata declares. */
async function idsToStrings(io: StoreIO, spec: BuildSpec, ids: ArraySpec, sidecar: ChunkSidecar): Promise<void> {
  const k = sidecar.chunk;
  const key = chunkKey(ids, k);
  const bytes = await readVerified(io, 'ids', k, key, sidecar.arrays.ids);
  const values = (await decodeArrayChunk(io.path, spec, ids, k, key, bytes, 'int64')) as BigInt64Array;
  const filled = sidecar.end - sidecar.start;
  const strings = Array.from(values, (v, i) => (i < filled ? v.toString() : ''));
  const encoded = await (await zstdCodec(spec.compressionLevel)).encode(encodeVlenUtf8(strings));
  await io.put(key, encoded);
  await writeSidecar(io, { ...sidecar, idType: 'string', arrays: { ...sidecar.arrays, ids: await digestOf(encoded) } });
}

/**
 * Verifies every chunk of every array and writes the Zarr v3 metadata plus the manifest (root
 * attribute `dualxda`). Refuses with `IncompleteStoreError` listing the missing row ranges when a
 * shard has not finished. Idempotent: finalizing twice rewrites the same metadata.
 *
 * @example
 * const manifest = await finalizeFeatureStore('feats.zarr');
 * manifest.rows; // every row verified
 */
export async function finalizeFeatureStore(target: StoreTarget, options: FinalizeFeatureStoreOptions = {}): Promise<FeatureStoreManifest> {
  const io = await openStoreIO(target);
  const spec = await readBuildSpec(io);
  // A store finalized by a newer dualxda is left alone: rewriting its manifest would downgrade it.
  const root = await readJson<{ attributes?: { [MANIFEST_ATTR]?: { schemaVersion?: unknown } } }>(io, 'zarr.json').catch(() => undefined);
  const finalizedBy = root?.attributes?.[MANIFEST_ATTR]?.schemaVersion;
  if (typeof finalizedBy === 'number' && finalizedBy > SCHEMA_VERSION) {
    throw new StoreFormatError(io.path, `was finalized by a newer dualxda (schema version ${finalizedBy}; this one writes ${SCHEMA_VERSION}): refusing to rewrite it as an older store (upgrade dualxda)`);
  }
  const verify = options.verify ?? true;
  const missing: number[] = [];
  const problems: string[] = [];
  const failures: ChunkFailure[] = [];
  const sidecars: ChunkSidecar[] = [];
  // Check chunk k+1 (its reads run on the I/O threads) while chunk k is hashed here.
  const chunks = chunkCount(spec);
  // Two calls in flight, each reading into its own reused buffer.
  const scratch: Scratch[] = [{}, {}];
  const check = (k: number) => {
    const p = checkChunk(io, spec, k, verify, scratch[k % 2]);
    p.catch(() => undefined);
    return p;
  };
  let next = chunks > 0 ? check(0) : undefined;
  for (let k = 0; k < chunks; k++) {
    const current = next as ReturnType<typeof check>;
    next = k + 1 < chunks ? check(k + 1) : undefined;
    const status = await current;
    if (status.ok) sidecars.push(status.sidecar);
    else {
      missing.push(k);
      const written = !status.problem.endsWith('not written');
      if (written) problems.push(status.problem);
      failures.push({ chunk: k, written, problem: status.problem });
    }
  }
  if (missing.length > 0) {
    const shards = await reportShards(io, spec, failures, options.shards);
    throw new IncompleteStoreError(io.path, chunksToRanges(missing, spec.chunkRows, spec.rows), problems, shards);
  }
  const specs = arraySpecs(spec);
  const idsSpec = specs.find((a) => a.name === 'ids') as ArraySpec;
  const idType = sidecars.every((s) => s.idType === 'int64') ? 'int64' : 'string';
  if (idType === 'string') for (const s of sidecars) if (s.idType === 'int64') await idsToStrings(io, spec, idsSpec, s);
  for (const a of specs) {
    const meta = arrayMetadata(spec, a.name === 'ids' ? { ...a, dtype: idType } : a);
    await io.put(`${a.name}/zarr.json`, jsonBytes(meta));
  }
  const manifest: FeatureStoreManifest = {
    schemaVersion: spec.schemaVersion,
    rows: spec.rows,
    dim: spec.dim,
    dtype: spec.dtype,
    chunkRows: spec.chunkRows,
    head: spec.head,
    modelHash: spec.modelHash,
    datasetRevision: spec.datasetRevision,
    layer: spec.layer,
    classNames: spec.classNames,
    tool: spec.tool,
    createdAt: options.createdAt ?? new Date().toISOString(),
    ...(spec.labelMapping ? { labelMapping: spec.labelMapping } : {}),
    idType,
    arrays: specs.map((a) => a.name),
    logitsDim: spec.logitsDim,
    codec: spec.codec ?? 'zstd',
  };
  await io.put('zarr.json', jsonBytes({ zarr_format: 3, node_type: 'group', attributes: { [MANIFEST_ATTR]: manifest } }));
  // Shard markers are build scratch: the finalized store is the same bytes however it was sharded.
  await io.remove?.(SHARD_DIR);
  await io.sweepTemp?.();
  return manifest;
}
