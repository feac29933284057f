import { dirname, join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import ts from 'typescript';

/**
 * Offline validation of a batch/v1 Job manifest, in three layers (no cluster, no network):
 *
 * 1. `schemaErrors`: the Kubernetes OpenAPI schema of batch/v1 Job, as compiled validators shipped
 *    by `kubernetes-models` (types, int32/int64 formats, enums, required fields).
 * 2. `unknownFields`: the OpenAPI schema has no `additionalProperties: false` (the API server's
 *    strict field validation rejects unknown fields instead), so a typo like `completionsMode`
 *    would pass layer 1. The same package's TypeScript types are exact, and the type checker's
 *    excess-property check on an object literal rejects unknown fields at every depth.
 * 3. `apiServerRules`: cross-field rules the API server enforces in code
 *    (kubernetes pkg/apis/batch/validation ValidateJobSpec), the subset a Job like ours can hit.
 */
export function schemaErrors(doc: unknown): string[] {
  try {
    new Job(doc as IJob).validate();
    return [];
  } catch (err) {
    // An ajv ValidationError: one entry per violated schema keyword.
    const errors = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (errors === undefined) throw err;
    return errors.map((e) => `${jsonPointerToPath(e.instancePath)}: ${e.message ?? 'invalid'}`);
  }
}

/** `/spec/template/spec/containers/0` → `spec.template.spec.containers[0]`, as kubectl prints it. */
function jsonPointerToPath(pointer: string): string {
  const path = pointer
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');
  return path.replace(/^\./, '') || '(root)';
}

const VIRTUAL = join(import.meta.dirname, '__job-manifest-check__.ts');
const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: [],
};
// Library and kubernetes-models declarations parse once per process, not once per manifest.
const parsed = new Map<string, ts.SourceFile | undefined>();
let previous: ts.Program | undefined;

/** `spec.template.spec.containers[0].cmd`: the manifest path of the literal node at `pos`. */
function manifestPath(file: ts.SourceFile, pos: number): string {
  let node: ts.Node | undefined = file;
  for (let inner: ts.Node | undefined = file; inner !== undefined; ) {
    node = inner;
    inner = inner.getChildren(file).find((c) => c.getStart(file) <= pos && pos < c.getEnd());
  }
  const parts: string[] = [];
  for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent) {
    if (ts.isPropertyAssignment(n) && ts.isStringLiteral(n.name)) parts.unshift(`.${n.name.text}`);
    if (n.parent !== undefined && ts.isArrayLiteralExpression(n.parent)) parts.unshift(`[${n.parent.elements.indexOf(n as ts.Expression)}]`);
    if (ts.isVariableDeclaration(n)) break;
  }
  return parts.join('').replace(/^\./, '') || '(root)';
}

/** Unknown fields (and type errors) found by type-checking the manifest as an `IJob` literal. */
export function unknownFields(doc: unknown): string[] {
  const source = `import type { IJob } from 'kubernetes-models/batch/v1/Job';\nexport const manifest: IJob = ${JSON.stringify(doc, null, 2)};\n`;
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) => {
    if (name === VIRTUAL) return ts.createSourceFile(name, source, version, true);
    if (!parsed.has(name)) parsed.set(name, getSourceFile.call(host, name, version, ...rest));
    return parsed.get(name);
  };
  host.fileExists = (name) => name === VIRTUAL || fileExists.call(host, name);
  host.readFile = (name) => (name === VIRTUAL ? source : readFile.call(host, name));
  host.getCurrentDirectory = () => dirname(VIRTUAL);
  const program = ts.createProgram([VIRTUAL], COMPILER_OPTIONS, host, previous);
  previous = program;
  const file = program.getSourceFile(VIRTUAL);
  if (file === undefined) throw new Error('type check: manifest source not loaded');
  const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  return diagnostics.map((d) => `${d.start === undefined ? '(root)' : manifestPath(file, d.start)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_INDEXED_PARALLELISM = 100_000;

/** The API server's cross-field rules for a Job create (field paths as kubectl prints them). */
export function apiServerRules(job: IJob): string[] {
  const errors: string[] = [];
  const name = job.metadata?.name;
  if (name === undefined || !DNS_SUBDOMAIN.test(name) || name.length > 253) errors.push(`metadata.name: must be a DNS subdomain, got ${JSON.stringify(name)}`);
  const spec = job.spec;
  if (spec === undefined) return [...errors, 'spec: Required value'];
  for (const field of ['parallelism', 'completions', 'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes'] as const) {
    const v = spec[field];
    if (v !== undefined && v < 0) errors.push(`spec.${field}: must be greater than or equal to 0`);
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds <= 0) errors.push('spec.activeDeadlineSeconds: must be greater than 0');
  if (spec.maxFailedIndexes !== undefined && spec.backoffLimitPerIndex === undefined) errors.push('spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified');
  if (spec.completionMode === 'Indexed') {
    if (spec.completions === undefined) errors.push('spec.completions: Required value: when completion mode is Indexed');
    if (spec.parallelism !== undefined && spec.parallelism > MAX_INDEXED_PARALLELISM) errors.push(`spec.parallelism: must be less than or equal to ${MAX_INDEXED_PARALLELISM} when completion mode is Indexed`);
    if (spec.completions !== undefined && spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes > spec.completions) errors.push('spec.maxFailedIndexes: must be less than or equal to completions');
  } else {
    if (spec.backoffLimitPerIndex !== undefined) errors.push('spec.backoffLimitPerIndex: requires indexed completion mode');
    if (spec.maxFailedIndexes !== undefined) errors.push('spec.maxFailedIndexes: requires indexed completion mode');
  }
  const pod = spec.template.spec;
  const restart = pod?.restartPolicy;
  if (restart === undefined || restart === 'Always') errors.push('spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"');
  else if (spec.podFailurePolicy !== undefined && restart !== 'Never') errors.push('spec.template.spec.restartPolicy: only "Never" is supported when podFailurePolicy is specified');
  const containers = pod?.containers ?? [];
  const names = new Set<string>();
  const volumes = new Set((pod?.volumes ?? []).map((v) => v.name));
  for (const [i, c] of containers.entries()) {
    if (!DNS_LABEL.test(c.name) || c.name.length > 63) errors.push(`spec.template.spec.containers[${i}].name: must be a DNS label`);
    if (names.has(c.name)) errors.push(`spec.template.spec.containers[${i}].name: Duplicate value: ${JSON.stringify(c.name)}`);
    names.add(c.name);
    for (const [j, m] of (c.volumeMounts ?? []).entries()) {
      if (!volumes.has(m.name)) errors.push(`spec.template.spec.containers[${i}].volumeMounts[${j}].name: Not found: ${JSON.stringify(m.name)}`);
    }
  }
  return errors;
}

/** Every `--shard` value in the Job's container commands and args. */
export function shardArguments(job: IJob): string[] {
  const found: string[] = [];
  for (const c of job.spec?.template.spec?.containers ?? []) {
    const argv = [...(c.command ?? []), ...(c.args ?? [])];
    for (const [i, a] of argv.entries()) {
      if (a === '--shard' && i + 1 < argv.length) found.push(argv[i + 1] as string);
      else if (a.startsWith('--shard=')) found.push(a.slice('--shard='.length));
    }
  }
  return found;
}

/**
 * The dualxda shard contract: a `--shard` job runs as an Indexed Job and reads its index from
 * JOB_COMPLETION_INDEX (`--shard auto/N`); Kubernetes exposes no count, so N must be spelled out
 * and equal `spec.completions`, or shards would silently own the wrong row ranges.
 */
export function shardContractErrors(job: IJob): string[] {
  const errors: string[] = [];
  for (const value of shardArguments(job)) {
    const n = /^auto\/(\d+)$/.exec(value)?.[1];
    if (n === undefined) errors.push(`--shard ${value}: use --shard auto/N in a Kubernetes Job`);
    else if (Number(n) !== job.spec?.completions) errors.push(`--shard ${value}: N must equal spec.completions (${job.spec?.completions})`);
    if (job.spec?.completionMode !== 'Indexed') errors.push(`--shard ${value}: needs completionMode: Indexed (JOB_COMPLETION_INDEX)`);
  }
  return errors;
}

/**
 * Validates like the API server: decode (schema, unknown fields) first, and only a manifest that
 * decodes is held to the cross-field rules and the shard contract.
 */
export function validateJob(doc: unknown): string[] {
  const decode = [...schemaErrors(doc), ...unknownFields(doc)];
  if (decode.length > 0) return decode;
  return [...apiServerRules(doc as IJob), ...shardContractErrors(doc as IJob)];
}
