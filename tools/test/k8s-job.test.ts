import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { shardArguments, validateJob as validate } from './k8s-job.js';

/**
 * Issue 18: the Kubernetes Indexed Job recipe of docs/distributed.md lives in tools/k8s/*.yaml;
 * each manifest is validated against the batch/v1 Job schema (k8s-job.ts) and the dualxda shard
 * contract. The mutations below show that each layer rejects what it claims to.
 */
const root = resolve(import.meta.dirname, '../..');
const k8sDir = resolve(root, 'tools/k8s');
const manifests = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml'));

function load(file: string): IJob {
  const docs = parseAllDocuments(readFileSync(resolve(k8sDir, file), 'utf8'));
  expect(docs, `${file}: one YAML document`).toHaveLength(1);
  const doc = docs[0];
  expect(doc?.errors ?? [], file).toEqual([]);
  return doc?.toJS() as IJob;
}

const featureJob = () => load('feature-job.yaml');

describe('tools/k8s manifests', () => {
  it('exist, and docs/distributed.md points at them', () => {
    expect(manifests.sort()).toEqual(['feature-job.yaml', 'finalize-job.yaml']);
    const docs = readFileSync(resolve(root, 'docs/distributed.md'), 'utf8');
    for (const file of manifests) expect(docs).toContain(`tools/k8s/${file}`);
  });

  it.each(manifests)('%s is a valid batch/v1 Job', (file) => {
    const job = load(file);
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(validate(job)).toEqual([]);
  }, 30_000);

  it('feature-job.yaml is an Indexed Job whose --shard count is its completion count', () => {
    const job = featureJob();
    expect(job.spec?.completionMode).toBe('Indexed');
    expect(job.spec?.backoffLimitPerIndex).toBeGreaterThan(0);
    // JOB_COMPLETION_INDEX gives the index; Kubernetes exposes no count, so it is spelled auto/N.
    expect(shardArguments(job)).toEqual([`auto/${job.spec?.completions}`]);
  });
});

type Loose = Record<string, unknown>;
const spec = (j: Loose) => j['spec'] as Loose;
const pod = (j: Loose) => (spec(j)['template'] as { spec: Loose }).spec;
const container = (j: Loose) => (pod(j)['containers'] as Loose[])[0] as Loose;

describe('Job validation rejects', () => {
  // Each case names the layer that must catch it: schema (ajv messages), types (unknown fields),
  // API-server rules, or the shard contract.
  const cases: [string, (job: Loose) => void, RegExp][] = [
    ['an unknown field in spec', (j) => void (spec(j)['completionsMode'] = 'Indexed'), /^spec\.completionsMode: Object literal may only specify known properties/],
    ['an unknown field in a container', (j) => void (container(j)['cmd'] = ['x']), /^spec\.template\.spec\.containers\[0\]\.cmd: .*'"cmd"' does not exist/],
    ['a string where an integer belongs', (j) => void (spec(j)['completions'] = '16'), /^spec\.completions: must be integer$/],
    ['a CPU request that is not a quantity', (j) => void (((container(j)['resources'] as Loose)['requests'] as Loose)['cpu'] = 'lots'), /requests\.cpu: must match format "quantity"$/],
    ['a completion mode outside the enum', (j) => void (spec(j)['completionMode'] = 'indexed'), /^spec\.completionMode: must be equal to one of the allowed values$/],
    ['a missing template', (j) => void delete spec(j)['template'], /^spec: must have required property template$/],
    ['a container without a name', (j) => void delete container(j)['name'], /^spec\.template\.spec\.containers\[0\]: must have required property name$/],
    ['backoffLimitPerIndex without Indexed', (j) => void delete spec(j)['completionMode'], /^spec\.backoffLimitPerIndex: requires indexed completion mode$/],
    ['Indexed without completions', (j) => void delete spec(j)['completions'], /^spec\.completions: Required value/],
    ['maxFailedIndexes without backoffLimitPerIndex', (j) => void delete spec(j)['backoffLimitPerIndex'], /^spec\.backoffLimitPerIndex: Required value: when maxFailedIndexes/],
    ['restartPolicy Always', (j) => void (pod(j)['restartPolicy'] = 'Always'), /^spec\.template\.spec\.restartPolicy: Required value/],
    ['a mount of an undeclared volume', (j) => void (pod(j)['volumes'] = []), /volumeMounts\[0\]\.name: Not found/],
    ['a --shard count that differs from completions', (j) => void (spec(j)['completions'] = 8), /N must equal spec\.completions/],
  ];

  it.each(cases)('%s', (_name, mutate, message) => {
    const job = featureJob() as unknown as Loose;
    mutate(job);
    const errors = validate(job);
    expect(errors.some((e) => message.test(e)), errors.join('\n')).toBe(true);
  }, 30_000);
});
