/* eslint-disable @typescript-eslint/no-non-null-assertion -- tensors the test wrote */
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSafetensors, type SafetensorsTensor } from '@dualxda/core';
import { isDualxdaError } from '@dualxda/core';
import { LazyWeightMap } from './lazy-weights.js';
import { indexSafetensorsFile } from './safetensors-index.js';

/** A safetensors file: 8-byte header length, JSON header, then the raw little-endian tensors. */
function safetensors(tensors: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let at = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + t.bytes.length] };
    at += t.bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const t of Object.values(tensors)) {
    out.set(t.bytes, pos);
    pos += t.bytes.length;
  }
  return out;
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
/** Every bit pattern class a decoder can get wrong: signed zeros, subnormals, infinities, NaN payloads. */
const SPECIAL_U16 = Uint16Array.of(0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0x3c00, 0xbc00, 0x7bff, 0x7f80, 0xff80, 0x7fc1, 0x0080, 0x3f80, 0xc2f7);
const F32 = Float32Array.of(0, -0, 1.5e-45, -3.4e38, Infinity, -Infinity, Number.NaN, 0.1, 123.456, -7);
const F64 = Float64Array.of(0, -0, 1e-310, 1e300, -2.5, Math.PI);

let dir: string;
let file: Uint8Array;
let eager: Map<string, SafetensorsTensor>;
let lazy: LazyWeightMap;
let hash: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-adapter-lazy-'));
  file = safetensors({
    'a.f32': { dtype: 'F32', shape: [2, 5], bytes: bytesOf(F32) },
    'b.f16': { dtype: 'F16', shape: [SPECIAL_U16.length], bytes: bytesOf(SPECIAL_U16) },
    'c.bf16': { dtype: 'BF16', shape: [3, 6], bytes: bytesOf(SPECIAL_U16) },
    'd.f64': { dtype: 'F64', shape: [6], bytes: bytesOf(F64) },
    'e.empty': { dtype: 'F32', shape: [0, 4], bytes: new Uint8Array(0) },
    'f.i64': { dtype: 'I64', shape: [2], bytes: bytesOf(BigInt64Array.of(-1n, 1n << 40n)) },
  });
  await writeFile(join(dir, 'w.safetensors'), file);
  eager = parseSafetensors(file, 'w.safetensors');
  const h = createHash('sha256');
  lazy = new LazyWeightMap(await indexSafetensorsFile(dir, 'w.safetensors', h));
  hash = h.digest('hex');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LazyWeightMap', () => {
  it('get decodes each dtype bit for bit as core parseSafetensors does on the whole file', () => {
    expect([...lazy.keys()]).toEqual([...eager.keys()]);
    expect(lazy.size).toBe(eager.size);
    for (const [name, want] of eager) {
      const got = lazy.get(name)!;
      expect(got.dtype, name).toBe(want.dtype);
      expect(got.shape, name).toEqual(want.shape);
      expect(got.data.constructor, name).toBe(want.data.constructor);
      expect(bytesOf(got.data), name).toEqual(bytesOf(want.data));
    }
    // The F16/BF16 specials really are special after decoding (guards a test that compares nothing).
    expect(Array.from(lazy.get('c.bf16')!.data as Float32Array).some(Number.isNaN)).toBe(true);
    expect(lazy.get('missing')).toBeUndefined();
  });

  it('each get is a fresh array owning its whole buffer; nothing is cached', () => {
    const [x, y] = [lazy.get('c.bf16')!, lazy.get('c.bf16')!];
    expect(x.data).not.toBe(y.data);
    expect(x.data.byteOffset).toBe(0);
    expect(x.data.byteLength).toBe(x.data.buffer.byteLength);
    (x.data as Float32Array)[0] = 42;
    expect((lazy.get('c.bf16')!.data as Float32Array)[0]).toBe(0);
  });

  it('iteration yields names and shapes without reading, and data equal to get on access', () => {
    const seen = [...lazy].map(([name, t]) => [name, t.dtype, t.shape]);
    expect(seen).toEqual([...eager].map(([name, t]) => [name, t.dtype, t.shape]));
    const values = [...lazy.values()];
    lazy.forEach((t, name) => expect(bytesOf(t.data), name).toEqual(bytesOf(eager.get(name)!.data)));
    values.forEach((t, i) => expect(bytesOf(t.data)).toEqual(bytesOf([...eager.values()][i]!.data)));
    expect(lazy.describe('a.f32')).toEqual({ dtype: 'F32', shape: [2, 5], file: 'w.safetensors' });
    expect(String(lazy)).toBe('[object LazyWeightMap]');
  });

  it('hold makes get and iteration return the held array (no decode), checked against the shape', async () => {
    const m = new LazyWeightMap(await indexSafetensorsFile(dir, 'w.safetensors', createHash('sha256')));
    const head = { shape: [3, 6], data: new Float32Array(18).fill(7) };
    m.hold('c.bf16', head);
    expect(m.get('c.bf16')!.data).toBe(head.data);
    expect(m.get('c.bf16')!.dtype).toBe('BF16');
    expect(new Map(m).get('c.bf16')!.data).toBe(head.data);
    expect(m.get('a.f32')!.data).not.toBe(m.get('a.f32')!.data);
    expect(() => m.hold('c.bf16', { shape: [6, 3], data: head.data })).toThrow(/hold\("c\.bf16"\): no tensor of shape \[6, 3\]/);
    expect(() => m.hold('missing', head)).toThrow(/hold\("missing"\)/);
  });

  it('indexing hashes the whole file (sha256 of its bytes)', () => {
    expect(hash).toBe(createHash('sha256').update(file).digest('hex'));
  });

  it('refuses a file changed or removed after loading, naming file and tensor; has/keys still work', async () => {
    const sub = await mkdtemp(join(tmpdir(), 'llm-adapter-lazy-changed-'));
    try {
      const path = join(sub, 'm.safetensors');
      await writeFile(path, file);
      const m = new LazyWeightMap(await indexSafetensorsFile(sub, 'm.safetensors', createHash('sha256')));
      expect(m.get('a.f32')).toBeDefined();
      const expectChanged = (pattern: RegExp): void => {
        let err: unknown;
        try {
          m.get('a.f32');
        } catch (e) {
          err = e;
        }
        expect(isDualxdaError(err, 'ModelLoadError')).toBe(true);
        expect((err as Error).message).toMatch(pattern);
        expect((err as Error).message).toContain(`${sub}/m.safetensors: tensor "a.f32": `);
      };
      // Same size, other bytes, later mtime: a rewrite in place.
      const other = Uint8Array.from(file);
      other[other.length - 1] ^= 0xff;
      await writeFile(path, other);
      await utimes(path, new Date(), new Date(Date.now() + 5000));
      expectChanged(/the file changed after the checkpoint was loaded \(it was modified at .*\); load the checkpoint again/);
      // Grown.
      await appendFile(path, 'x');
      expectChanged(/its size changed from \d+ to \d+ bytes/);
      // Iterated tensors fail on their first data access, the same way.
      const t = [...m.values()][0]!;
      expect(() => t.data).toThrow(/the file changed after the checkpoint was loaded/);
      await rm(path);
      expectChanged(/the file was removed after the checkpoint was loaded; load it again/);
      expect(m.has('a.f32')).toBe(true);
      expect([...m.keys()]).toHaveLength(6);
    } finally {
      await rm(sub, { recursive: true, force: true });
    }
  });

  it('a header naming an unsupported dtype or a size that does not match the shape fails at load, naming the tensor', async () => {
    const bad = async (dtype: string, bytes: number): Promise<unknown> => {
      await writeFile(join(dir, 'bad.safetensors'), safetensors({ t: { dtype, shape: [2], bytes: new Uint8Array(bytes) } }));
      return indexSafetensorsFile(dir, 'bad.safetensors', createHash('sha256')).catch((e: unknown) => e);
    };
    expect(String(await bad('F8_E4M3', 2))).toMatch(/bad\.safetensors: tensor t: unsupported dtype F8_E4M3/);
    expect(String(await bad('F32', 6))).toMatch(/bad\.safetensors: tensor t: data_offsets \[0, 6\] do not match shape \[2\] of F32/);
    expect(await readFile(join(dir, 'w.safetensors'))).toEqual(Buffer.from(file));
  });
});
