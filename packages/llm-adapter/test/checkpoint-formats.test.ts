/* eslint-disable @typescript-eslint/no-non-null-assertion -- tensors the test knows exist */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors, type SafetensorsTensor } from '@dualxda/core';
import { expectClose } from '@dualxda/core/testing';
import { createMemorySink, extractFeatures, loadCheckpoint, ModelLoadError, openModel, type Checkpoint, type LazyWeightMap } from '../src/index.js';
import { checkpointDir } from './assets.js';

// Variants written by tools/fixtures/model/make-checkpoint-variants.py (numpy; torch for the
// pytorch_model.bin ones) from the committed tiny-llama.
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const PY = '/usr/bin/python3';
const VARIANTS = join(ROOT, 'tools', 'fixtures', 'model', 'make-checkpoint-variants.py');
const CONVERT = join(ROOT, 'tools', 'convert', 'bin-to-safetensors.py');

let tmp: string;
let original: Checkpoint;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'llm-adapter-formats-'));
  execFileSync(PY, [VARIANTS, checkpointDir('tiny-llama'), tmp, '--bin'], { stdio: 'pipe' });
  original = await loadCheckpoint(checkpointDir('tiny-llama'));
}, 60_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** float32 → float16 → float32, round to nearest even (independent of numpy's conversion). */
function f16round(x: number): number {
  const a = Math.abs(x);
  if (a === 0 || !Number.isFinite(a)) return x;
  if (a >= 65520) return Math.sign(x) * Number.POSITIVE_INFINITY;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  const quantum = 2 ** (Math.max(e, -14) - 10); // 10 mantissa bits; subnormals below 2^-14
  const m = a / quantum;
  const fl = Math.floor(m);
  const r = m - fl > 0.5 || (m - fl === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
  return Math.sign(x) * r * quantum;
}

/** float32 → bfloat16 → float32, round to nearest even (independent of the python side). */
function bf16round(x: number): number {
  const u = new Uint32Array(Float32Array.of(x).buffer)[0]!;
  const r = ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) << 16;
  return new Float32Array(Uint32Array.of(r >>> 0).buffer)[0]!;
}

function expectWeights(ck: Checkpoint, round: (x: number) => number): void {
  expect([...ck.weights.keys()].sort()).toEqual([...original.weights.keys()].sort());
  for (const [name, t] of original.weights) {
    const got = ck.weights.get(name)!;
    expect(got.shape, name).toEqual(t.shape);
    expect(got.data).toBeInstanceOf(Float32Array);
    expect(Array.from(got.data as Float32Array), name).toEqual(Array.from(t.data as Float32Array, round));
  }
}

describe('checkpoint folders as save_pretrained writes them', () => {
  it('sharded: model.safetensors.index.json + 2 shards load to the same tensors and cache the same features', async () => {
    const ck = await loadCheckpoint(join(tmp, 'sharded'));
    expect(ck.weightFiles).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expectWeights(ck, (x) => x);
    expect(ck.modelHash).toMatch(/^[0-9a-f]{64}$/);
    expect(ck.modelHash).not.toBe(original.modelHash);
    const [a, b] = await Promise.all([openModel(join(tmp, 'sharded')), openModel(checkpointDir('tiny-llama'))]);
    try {
      const rows = ['win a free cruise', 'meeting moved to 3pm', 'ok'].map((text, id) => ({ id, text, label: 0 }));
      const [sa, sb] = [createMemorySink(), createMemorySink()];
      await extractFeatures(a, rows, sa, { chunkRows: 4 });
      await extractFeatures(b, rows, sb, { chunkRows: 4 });
      expect(Array.from(sa.chunks.get(0)!.batch.features)).toEqual(Array.from(sb.chunks.get(0)!.batch.features));
    } finally {
      await Promise.all([a.release(), b.release()]);
    }
  });

  it.each([
    ['fp16', (x: number) => f16round(x)],
    ['bf16', bf16round],
  ] as const)('%s model.safetensors decodes to float32 (exact rounding of the float32 weights)', async (variant, round) => {
    const ck = await loadCheckpoint(join(tmp, variant));
    expectWeights(ck, round);
    expect(ck.weights.get('score.weight')!.dtype).toBe(variant === 'fp16' ? 'F16' : 'BF16');
    expectClose(ck.sequenceHead!.weight.data, original.sequenceHead!.weight.data, { rtol: variant === 'fp16' ? 1e-3 : 8e-3, atol: 1e-4 });
  });

  it.each(['original', 'sharded', 'fp16', 'bf16'])('%s: weights read on demand equal the eager decode of the whole file(s), bit for bit; modelHash is the sha256 of the bytes', async (variant) => {
    const dir = variant === 'original' ? checkpointDir('tiny-llama') : join(tmp, variant);
    const ck = await loadCheckpoint(dir);
    // The eager reference: core's parseSafetensors over each whole file, as the loader used to keep.
    const eager = new Map<string, SafetensorsTensor>();
    const hash = createHash('sha256');
    for (const file of ck.weightFiles) {
      hash.update(await readFile(join(dir, file)));
      for (const [name, t] of await readSafetensors(join(dir, file))) eager.set(name, t);
    }
    expect(ck.modelHash).toBe(hash.digest('hex'));
    expect([...ck.weights.keys()].sort()).toEqual([...eager.keys()].sort());
    const bits = (t: SafetensorsTensor) => new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4);
    for (const [name, want] of eager) {
      const got = ck.weights.get(name)!;
      expect([got.dtype, got.shape], name).toEqual([want.dtype, want.shape]);
      expect(got.data).toBeInstanceOf(Float32Array);
      expect(bits(got), name).toEqual(bits(want));
    }
    expect(new Set([...eager.values()].map((t) => t.dtype))).toEqual(new Set([{ original: 'F32', sharded: 'F32', fp16: 'F16', bf16: 'BF16' }[variant]]));
    // The heads hold their own decoded arrays, not views of a kept map.
    expect(ck.sequenceHead!.weight.data).not.toBe(ck.weights.get('score.weight')!.data);
    expect(bits({ ...ck.sequenceHead!.weight, dtype: 'F32' })).toEqual(bits(eager.get('score.weight')!));
  });

  it('a weight file changed after loading is refused at the next read, naming the file and tensor', async () => {
    const dir = join(tmp, 'changed-after-load');
    await cp(join(tmp, 'sharded'), dir, { recursive: true });
    const ck = await loadCheckpoint(dir);
    const name = [...ck.weights.keys()].find((k) => k.startsWith('model.layers.'))!;
    const shard = (ck.weights as LazyWeightMap).describe(name)?.file;
    expect(shard).toMatch(/^model-0000\d-of-00002\.safetensors$/);
    await writeFile(join(dir, shard!), Buffer.concat([await readFile(join(dir, shard!)), Buffer.from([0])]));
    let err: unknown;
    try {
      ck.weights.get(name);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).file).toBe(shard);
    expect((err as Error).message).toContain(`${dir}/${shard}: tensor "${name}": the file changed after the checkpoint was loaded (its size changed from`);
    // What was decoded at load (the heads) is unaffected, and a fresh load reads the new file.
    expect(ck.sequenceHead!.weight.data.length).toBeGreaterThan(0);
    await expect(loadCheckpoint(dir)).resolves.toMatchObject({ weightFiles: ck.weightFiles });
  });

  it('a shard missing a tensor its index lists is named', async () => {
    const dir = join(tmp, 'sharded-broken');
    await cp(join(tmp, 'sharded'), dir, { recursive: true });
    const index = JSON.parse(await readFile(join(dir, 'model.safetensors.index.json'), 'utf8')) as { weight_map: Record<string, string> };
    index.weight_map['model.norm.weight'] = 'model-00001-of-00002.safetensors';
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/model-00001-of-00002\.safetensors: tensor "model\.norm\.weight" listed in model\.safetensors\.index\.json is missing from this shard/);
    index.weight_map['model.norm.weight'] = '../model.safetensors';
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/weight_map\["model\.norm\.weight"\] must be a file name in the folder/);
    await unlink(join(dir, 'model-00002-of-00002.safetensors'));
    index.weight_map['model.norm.weight'] = 'model-00002-of-00002.safetensors';
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/model-00002-of-00002\.safetensors: file is missing/);
  });

  it('single file: read tensor by tensor, modelHash = sha256 of model.safetensors (as before)', async () => {
    const bytes = await readFile(join(checkpointDir('tiny-llama'), 'model.safetensors'));
    expect(original.modelHash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(original.weightFiles).toEqual(['model.safetensors']);
  });

  it('a truncated or garbled model.safetensors is named', async () => {
    const dir = join(tmp, 'truncated');
    await cp(join(tmp, 'fp16'), dir, { recursive: true });
    await truncate(join(dir, 'model.safetensors'), 50_000);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/model\.safetensors: tensor \S+: data_offsets \[\d+, \d+\] run past the end of the file/);
    await writeFile(join(dir, 'model.safetensors'), Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{no}')]));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/model\.safetensors: header is not valid JSON/);
  });

  it('a folder with only pytorch_model.bin gets the conversion command, before any ONNX complaint', async () => {
    const dir = join(tmp, 'bin-only-fake');
    await cp(join(tmp, 'fp16'), dir, { recursive: true });
    await unlink(join(dir, 'model.safetensors'));
    await rm(join(dir, 'onnx'), { recursive: true });
    await writeFile(join(dir, 'pytorch_model.bin'), 'not read');
    const err = await loadCheckpoint(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).file).toBe('pytorch_model.bin');
    expect((err as Error).message).toContain(`python3 tools/convert/bin-to-safetensors.py '${dir}'`);
    expect((err as Error).message).toContain('safetensors.torch');
  });

  it('no weights at all: names model.safetensors and the index', async () => {
    const dir = join(tmp, 'no-weights');
    await cp(join(tmp, 'fp16'), dir, { recursive: true });
    await unlink(join(dir, 'model.safetensors'));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/model\.safetensors: file is missing \(and there is no model\.safetensors\.index\.json/);
  });
});

describe('RoPE settings through core parseRopeConfig', () => {
  it('reads the 4.x fields of tiny-llama, 5.x rope_parameters, and refuses an unsupported type naming config.json', async () => {
    expect(original.rope).toMatchObject({ theta: 10000, dim: 8, source: 'rope_theta', scaling: { type: 'default' } });
    expect((await loadCheckpoint(checkpointDir('tiny-bert'))).rope).toBeNull();
    const dir = join(tmp, 'rope5');
    await cp(join(tmp, 'fp16'), dir, { recursive: true });
    const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    const { rope_theta: _t, rope_scaling: _s, ...rest } = cfg;
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...rest, rope_parameters: { rope_type: 'llama3', rope_theta: 5e5, factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 } }));
    expect((await loadCheckpoint(dir)).rope).toMatchObject({ theta: 5e5, source: 'rope_parameters', scaling: { type: 'llama3', originalMaxPositions: 16 } });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...cfg, rope_scaling: { rope_type: 'longrope', short_factor: [1], long_factor: [1] } }));
    const err = await loadCheckpoint(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toBe(`${dir}/config.json: field "rope_scaling.rope_type": RoPE type "longrope" is not supported; supported: default, linear, dynamic, llama3, yarn`);
  });
});

describe('tools/convert/bin-to-safetensors.py (Debian python3-torch, no safetensors package)', () => {
  it('turns a torch.save state dict into model.safetensors with identical tensors', async () => {
    const dir = join(tmp, 'bin');
    await expect(loadCheckpoint(dir)).rejects.toThrow(/pytorch_model\.bin: PyTorch pickle weights are not read/);
    execFileSync(PY, [CONVERT, dir], { stdio: 'pipe' });
    expectWeights(await loadCheckpoint(dir), (x) => x);
    // A second run refuses to overwrite.
    const again = spawnSync(PY, [CONVERT, dir], { encoding: 'utf8' });
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/model\.safetensors exists \(pass --force/);
  });

  it('converts sharded .bin (pytorch_model.bin.index.json) to sharded safetensors', async () => {
    const dir = join(tmp, 'bin-sharded');
    await expect(loadCheckpoint(dir)).rejects.toThrow(/pytorch_model\.bin\.index\.json: sharded PyTorch pickle weights are not read.*bin-to-safetensors\.py/);
    execFileSync(PY, [CONVERT, dir], { stdio: 'pipe' });
    const ck = await loadCheckpoint(dir);
    expect(ck.weightFiles).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expectWeights(ck, (x) => x);
  });

  it('keeps bfloat16 as BF16, byte for byte what the numpy rounding wrote', async () => {
    const dir = join(tmp, 'bin-bf16');
    execFileSync(PY, [CONVERT, dir], { stdio: 'pipe' });
    expect(await readFile(join(dir, 'model.safetensors'))).toEqual(await readFile(join(tmp, 'bf16', 'model.safetensors')));
    expectWeights(await loadCheckpoint(dir), bf16round);
  });
});
