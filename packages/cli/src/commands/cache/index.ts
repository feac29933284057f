import type { RunContext } from '../../context.js';
import { resolvePath } from '../../lib/inputs.js';
import { writeRunRecord } from '../../lib/run-file.js';
import { resolveShard } from '../../lib/shard-env.js';
import { cacheCorpus } from '../../steps/cache-corpus.js';
import type { CacheOptions } from './spec.js';

/** `dualxda cache --model DIR --data FILE --out STORE`. */
export async function cache(options: CacheOptions, ctx: RunContext): Promise<void> {
  const out = resolvePath(ctx.cwd, options.out);
  const model = resolvePath(ctx.cwd, options.model);
  const shard = resolveShard(options.shard, ctx.env);
  if (shard !== undefined) ctx.log(`cache: shard ${shard.index}/${shard.count} (from ${shard.source})`);
  const { shard: _spec, ...rest } = options;
  const r = await cacheCorpus({ ...rest, ...(shard === undefined ? {} : { shard: { index: shard.index, count: shard.count } }), model, data: resolvePath(ctx.cwd, options.data), out, label: 'cache' }, ctx);
  // Every shard writes the same record (atomically), so `explain --text` finds the model after finalize.
  await writeRunRecord(out, { modelDir: model, maxLength: r.maxLength, createdBy: 'dualxda cache' });
  ctx.emitJson({ store: out, rows: r.rows, dim: r.dim, textsProcessed: r.textsProcessed, chunksWritten: r.chunksWritten, chunksSkipped: r.chunksSkipped, truncated: r.truncated.length, seconds: r.seconds, finalized: shard === undefined, ...(shard === undefined ? {} : { shard: { index: shard.index, count: shard.count, source: shard.source } }) });
  ctx.print(`cached ${r.textsProcessed} texts (${r.chunksSkipped} chunks already done) into ${out}: ${r.rows} rows x ${r.dim} in ${r.seconds.toFixed(1)} s`);
  if (r.truncated.length > 0) ctx.print(`  ${r.truncated.length} texts were cut to --max-length`);
  if (shard !== undefined) ctx.print(`  shard ${shard.index}/${shard.count} done; after every shard: dualxda cache finalize ${options.out}`);
  else ctx.print(`next: dualxda fit ${options.out}   (or, for a test split: dualxda explain TRAINSTORE --test ${options.out})`);
}
