import { describe, expect, it } from 'vitest';
import { parseSafetensors } from './safetensors.js';

function build(header: object, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('parseSafetensors', () => {
  it('decodes F32 and BF16 tensors by name', () => {
    const f32 = new Float32Array([1, -2, 3.5, 4]);
    const bf16 = new Uint16Array([0x3f80, 0xc000]); // 1, -2
    const data = new Uint8Array(16 + 4);
    data.set(new Uint8Array(f32.buffer), 0);
    data.set(new Uint8Array(bf16.buffer), 16);
    const m = parseSafetensors(
      build({ a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] }, b: { dtype: 'BF16', shape: [2], data_offsets: [16, 20] }, __metadata__: {} }, data),
    );
    expect(Array.from(m.get('a')!.data as Float32Array)).toEqual([1, -2, 3.5, 4]);
    expect(m.get('a')!.shape).toEqual([2, 2]);
    expect(Array.from(m.get('b')!.data as Float32Array)).toEqual([1, -2]);
  });
  it('decodes from a Node Buffer view whose bytes do not start at its ArrayBuffer start', () => {
    const f32 = new Float32Array([7, 8]);
    const file = build({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(f32.buffer));
    const padded = Buffer.alloc(file.length + 13);
    padded.set(file, 13);
    const m = parseSafetensors(padded.subarray(13));
    expect(Array.from(m.get('w')!.data as Float32Array)).toEqual([7, 8]);
  });
  it('rejects offsets that do not match the shape, naming the tensor', () => {
    const bad = build({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8));
    expect(() => parseSafetensors(bad, 'x.safetensors')).toThrow(/x.safetensors: tensor w/);
  });
});
