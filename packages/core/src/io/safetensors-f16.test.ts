/* eslint-disable @typescript-eslint/no-non-null-assertion -- the tensor the test wrote */
import { Float16Array } from '@petamoriken/float16';
import { describe, expect, it } from 'vitest';
import { parseSafetensors } from './safetensors.js';

/** A one-tensor safetensors buffer. */
function file(dtype: string, shape: number[], data: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ t: { dtype, shape, data_offsets: [0, data.length] } }));
  const buf = new Uint8Array(8 + header.length + data.length);
  new DataView(buf.buffer).setBigUint64(0, BigInt(header.length), true);
  buf.set(header, 8);
  buf.set(data, 8 + header.length);
  return buf;
}

describe('parseSafetensors F16', () => {
  it('decodes all 65,536 bit patterns as the Float16Array reference (±0, subnormals, ±Inf, NaN)', () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const got = parseSafetensors(file('F16', [65536], new Uint8Array(bits.buffer))).get('t')!.data as Float32Array;
    const ref = new Float16Array(bits.buffer);
    for (let i = 0; i < 65536; i++) {
      const r = ref[i] as number;
      if (Number.isNaN(r)) expect(Number.isNaN(got[i]), `bits ${i}`).toBe(true);
      else expect(Object.is(got[i], r), `bits ${i}: ${got[i]} vs ${r}`).toBe(true);
    }
  });
});
