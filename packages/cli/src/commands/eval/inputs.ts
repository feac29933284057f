import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isDualxdaError, loadDualDAModel, openFeatureStore, type DualDAModel, type ZarrFeatureStore } from '@dualxda/core';
import type { RunContext } from '../../context.js';
import { InputError, UsageError } from '../../errors.js';
import { checkInputFile, checkModelDir, checkStoreDir, isDirectory, isFile, resolvePath } from '../../lib/inputs.js';
import { openFeatureModel } from '../../lib/open-feature-model.js';
import { readRunRecord, writeRunRecord } from '../../lib/run-file.js';
import { cacheCorpus } from '../../steps/cache-corpus.js';
import { fitStore, DEFAULT_FIT_C } from '../../steps/fit-model.js';
import { testInputsFromStore, type TestInputs } from '../../steps/test-inputs.js';
import { modelDirFor } from '../explain/index.js';
import { checkCompatible } from '../../steps/compatibility.js';
import type { EvalOptions } from './spec.js';

/** Where `dualxda eval --model DIR --data DIR` puts its stores unless `--out` says otherwise. */
export const DEFAULT_EVAL_OUT_ROOT = '.dualxda/eval';

/** What the metrics read: the fitted training store, its test store and checkpoint, the corpus. */
export interface EvalInputs {
  storePath: string;
  model: DualDAModel;
  train: ZarrFeatureStore;
  /** Test rows (first `limit`, all when undefined); cached per limit. */
  test(metric: string, limit?: number): Promise<TestInputs>;
  /** The checkpoint (--model, else the run record). */
  modelDir(why: string): Promise<string>;
  /** A file of the --data folder (train.jsonl / test.jsonl / poison.json); the error names the metric. */
  dataFile(name: string, metric: string, what: string): Promise<string>;
}

/** Caches `--data` with `--model` into `--out` and fits it (reusing what an earlier run left). */
async function buildStores(o: EvalOptions, ctx: RunContext): Promise<string> {
  const modelDir = await checkModelDir(resolvePath(ctx.cwd, o.model!));
  const dataDir = resolvePath(ctx.cwd, o.data!);
  const token = o.head === 'token';
  // Token stores get their own default folder: a sequence store of the same model may be there.
  const out = resolvePath(ctx.cwd, o.out ?? join(DEFAULT_EVAL_OUT_ROOT, `${basename(modelDir)}${token ? '-token' : ''}`));
  const hint = 'the --data folder needs train.jsonl and test.jsonl ({"id", "text", "label"} per line)';
  const trainFile = await checkInputFile(join(dataDir, 'train.jsonl'), '--data', hint);
  const testFile = join(dataDir, 'test.jsonl');
  const hasTest = await isFile(testFile);
  const trainStore = join(out, 'train');
  const testStore = join(out, 'test');
  ctx.log(`eval: caching ${trainFile}${hasTest ? ' and test.jsonl' : ''} with ${modelDir} into ${out}`);
  const fm = await openFeatureModel(modelDir);
  try {
    const head = token ? { head: 'token' as const } : {};
    await cacheCorpus({ model: modelDir, data: trainFile, out: trainStore, label: 'cache train', ...head }, ctx, fm);
    if (hasTest) await cacheCorpus({ model: modelDir, data: testFile, out: testStore, label: 'cache test', ...head }, ctx, fm);
  } catch (err) {
    // A store of another checkpoint or corpus is in the way: say which flag moves it.
    if (isDualxdaError(err, 'StoreFormatError')) throw new InputError(out, `--out holds stores of another model or corpus (${err.message})`, 'pass another --out DIR, or delete that folder', { cause: err });
    throw err;
  } finally {
    await fm.release();
  }
  await writeRunRecord(trainStore, { ...(hasTest ? { testStore } : {}), modelDir, createdBy: 'dualxda eval' });
  const C = o.C ?? DEFAULT_FIT_C;
  const fitted = (await isDirectory(join(trainStore, 'dualda'))) ? await loadDualDAModel(trainStore).catch(() => undefined) : undefined;
  // A model fitted over a candidate set is refitted whenever --classes is given (its rule is not recorded).
  if (fitted?.C === C && o.classes === undefined && fitted.classIds === undefined) ctx.log(`eval: reusing the model in ${trainStore}/dualda (C=${C}); delete that folder to refit`);
  else await fitStore(trainStore, { C, ...(o.classes === undefined ? {} : { classes: o.classes }) }, ctx);
  return trainStore;
}

/** Resolves STORE (or builds it from --model/--data) and what the metrics may need, lazily. */
export async function resolveEvalInputs(o: EvalOptions, ctx: RunContext): Promise<EvalInputs> {
  if (o.store !== undefined && o.C !== undefined) throw new UsageError('--C applies when eval fits --data itself (no STORE)', 'refit STORE with `dualxda fit STORE --C ...`');
  if (o.store !== undefined && o.classes !== undefined) throw new UsageError('--classes applies when eval fits --data itself (no STORE)', 'refit STORE with `dualxda fit STORE --classes ...`');
  if (o.store !== undefined && o.head !== undefined) throw new UsageError('--head applies when eval caches --data itself (no STORE)', 'STORE already has its head; cache with `dualxda cache --head token` to make a token store');
  const storePath = o.store !== undefined ? await checkStoreDir(resolvePath(ctx.cwd, o.store)) : await buildStores(o, ctx);
  const model = await loadDualDAModel(storePath);
  const train = await openFeatureStore(storePath);
  const tests = new Map<string, Promise<TestInputs>>();
  return {
    storePath,
    model,
    train,
    async test(metric, limit) {
      const run = await readRunRecord(storePath);
      const path = o.test !== undefined ? resolvePath(ctx.cwd, o.test) : run?.testStore;
      if (path === undefined) throw new UsageError(`--metric ${metric} needs test rows: pass --test TESTSTORE`, 'cache the test split with `dualxda cache --data test.jsonl --out TESTSTORE`');
      const key = String(limit);
      if (!tests.has(key)) {
        tests.set(
          key,
          testInputsFromStore(path, ctx, limit).then((t) => {
            checkCompatible(model, t.dim, t.provenance, o.allowMismatch === true, (l) => ctx.warn(l));
            return t;
          }),
        );
      }
      return tests.get(key)!;
    },
    modelDir: (why) => modelDirFor(storePath, o.model, ctx, why),
    async dataFile(name, metric, what) {
      if (o.data === undefined) throw new UsageError(`--metric ${metric} needs ${what}: pass --data DIR (the corpus folder with ${name})`, 'e.g. --data tools/assets/spam-bert-noisy/corpus');
      return checkInputFile(join(resolvePath(ctx.cwd, o.data), name), '--data', `--metric ${metric} reads ${what} from ${name} in the --data folder`);
    },
  };
}

/**
 * The shortcut class: --shortcut-class, else "class" of poison.json in the --model folder, the
 * --data folder or its parent (tools/assets/spam-bert-shortcut/poison.json), as a name or index.
 */
export async function shortcutClassOf(o: EvalOptions, ctx: RunContext, classNames: readonly string[], modelDir: string | undefined): Promise<number> {
  let raw: string | number | undefined = o.shortcutClass;
  let from = '--shortcut-class';
  if (raw === undefined) {
    const dirs = [modelDir, ...(o.data === undefined ? [] : [resolvePath(ctx.cwd, o.data), dirname(resolvePath(ctx.cwd, o.data))])].filter((d): d is string => d !== undefined);
    for (const d of dirs) {
      const file = join(d, 'poison.json');
      if (!(await isFile(file))) continue;
      const poison = JSON.parse(await readFile(file, 'utf8')) as { class?: string | number };
      raw = poison.class;
      from = file;
      break;
    }
  }
  if (raw === undefined) throw new UsageError('--metric shortcut needs the class the shortcut was planted in', 'pass --shortcut-class NAME, or put poison.json ({"token", "class", ...}) next to --model or --data');
  const byName = classNames.indexOf(String(raw));
  const index = byName >= 0 ? byName : typeof raw === 'number' || /^\d+$/.test(String(raw)) ? Number(raw) : -1;
  if (!(index >= 0 && index < classNames.length)) throw new InputError(from, `shortcut class '${raw}' is not one of the model's classes (${classNames.join(', ')})`, 'give a class name or index');
  return index;
}
