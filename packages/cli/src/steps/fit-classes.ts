/**
 * A declared candidate set of classes for `fit --classes` (issue 14 item 3): with an LM head K is
 * the vocabulary (32,000 and more), and the solver's dense α (n × K float64) would not fit, so the
 * Crammer–Singer SVM is solved over a set S of classes declared up front. Rows whose label is not
 * in S are dropped before the solve and counted; the model's class k is store class S[k]
 * (`DualDAModel.classIds`). Math: docs/solver.md, "A declared candidate set of classes".
 */
import { readFile } from 'node:fs/promises';
import { UsageError, InputError } from '../errors.js';
import type { FitRows } from './fit-rows.js';

/** `labels` (the classes present among the training labels), `top:N` (the N most frequent), or a file. */
export type ClassSetSpec = { kind: 'labels' } | { kind: 'top'; n: number } | { kind: 'file'; path: string };

/**
 * Parses the `--classes` value: `labels`, `top:N` (N ≥ 1), anything else is a file path.
 *
 * @example
 * parseClassSet('top:256', '--classes'); // { kind: 'top', n: 256 }
 */
export function parseClassSet(raw: string, flag: string): ClassSetSpec {
  if (raw === 'labels') return { kind: 'labels' };
  const top = /^top:(.*)$/.exec(raw);
  if (top !== null) {
    const n = Number(top[1]);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} top:N needs a positive integer N; got '${raw}'`, `e.g. ${flag} top:256`);
    return { kind: 'top', n };
  }
  if (raw.trim() === '') throw new UsageError(`${flag} must be labels, top:N or a file of class ids; got an empty value`, `e.g. ${flag} labels`);
  return { kind: 'file', path: raw };
}

/** A rule's text for messages and the model's diagnostics. */
export function describeClassSet(spec: ClassSetSpec): string {
  return spec.kind === 'labels' ? 'labels' : spec.kind === 'top' ? `top:${spec.n}` : `file ${spec.path}`;
}

/**
 * The candidate classes as ascending store class ids. `labels`: every class with a training row;
 * `top:N`: the N classes with the most training rows (ties: the smaller id); a file: one class per
 * line (or a JSON array), an integer is a class id and anything else a class name.
 *
 * @throws InputError naming the file and line of an unknown class; UsageError for an empty set.
 */
export async function resolveClassSet(spec: ClassSetSpec, labels: Int32Array, classNames: readonly string[]): Promise<Int32Array> {
  const K = classNames.length;
  if (spec.kind === 'file') return readClassFile(spec.path, classNames);
  const counts = new Float64Array(Math.max(K, 1 + labels.reduce((a, b) => Math.max(a, b), -1)));
  for (const y of labels) counts[y] = (counts[y] as number) + 1;
  const present: number[] = [];
  for (let k = 0; k < counts.length; k++) if ((counts[k] as number) > 0) present.push(k);
  if (present.length === 0) throw new UsageError('--classes: the store has no training rows');
  if (spec.kind === 'labels') return Int32Array.from(present);
  present.sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b);
  return Int32Array.from(present.slice(0, spec.n)).sort();
}

async function readClassFile(path: string, classNames: readonly string[]): Promise<Int32Array> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputError(path, '--classes file cannot be read', 'give labels, top:N or a file with one class id (or class name) per line', { cause });
  }
  const entries: (string | number)[] = text.trimStart().startsWith('[') ? parseJsonList(path, text) : text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const byName = new Map(classNames.map((n, k) => [n, k]));
  const ids = new Set<number>();
  entries.forEach((e, i) => {
    const asInt = typeof e === 'number' ? e : /^\d+$/.test(e) ? Number(e) : Number.NaN;
    const k = Number.isInteger(asInt) ? asInt : byName.get(String(e));
    if (k === undefined || !(k >= 0 && k < classNames.length)) {
      throw new InputError(path, `entry ${i + 1} (${JSON.stringify(e)}) is not a class of the store (an id in [0, ${classNames.length - 1}] or a class name)`, 'list one class id or class name per line');
    }
    ids.add(k);
  });
  if (ids.size === 0) throw new InputError(path, '--classes file lists no class', 'list one class id or class name per line');
  return Int32Array.from(ids).sort();
}

function parseJsonList(path: string, text: string): (string | number)[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw new InputError(path, '--classes file starts with [ but is not valid JSON', 'give a JSON array of class ids or names, or one per line', { cause });
  }
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'string' || typeof e === 'number')) throw new InputError(path, '--classes JSON must be an array of class ids or names');
  return v as (string | number)[];
}

/** What restricting the rows to a candidate set did. */
export interface ClassRestriction {
  /** Store class id of each model class (ascending). */
  classIds: Int32Array;
  /** Store row index of each kept row (ascending). */
  storeRows: Int32Array;
  /** Rows whose label is outside the set. */
  dropped: number;
}

/**
 * Keeps the rows whose label is in `classIds`, in place: features, labels (remapped to the
 * candidate index 0 … |S| − 1), ids and norms are compacted (rows only move down), `m.rows`
 * shrinks. No copy of the features is made.
 *
 * @example
 * const r = restrictToClasses(rows, Int32Array.of(3, 7)); // rows labelled 3 → 0, 7 → 1, others dropped
 */
export function restrictToClasses(m: FitRows, classIds: Int32Array): ClassRestriction {
  const index = new Map<number, number>();
  classIds.forEach((c, k) => index.set(c, k));
  const width = m.cols?.length ?? m.dim;
  const storeRows = new Int32Array(m.rows);
  let out = 0;
  for (let i = 0; i < m.rows; i++) {
    const k = index.get(m.labels[i] as number);
    if (k === undefined) continue;
    if (out !== i) {
      m.features.copyWithin(out * width, i * width, (i + 1) * width);
      m.ids[out] = m.ids[i] as string;
      m.norms[out] = m.norms[i] as number;
    }
    m.labels[out] = k;
    storeRows[out] = i;
    out++;
  }
  const dropped = m.rows - out;
  m.rows = out;
  m.features = m.features.subarray(0, out * width);
  m.labels = m.labels.subarray(0, out);
  m.norms = m.norms.subarray(0, out);
  m.ids.length = out;
  return { classIds, storeRows: storeRows.slice(0, out), dropped };
}
