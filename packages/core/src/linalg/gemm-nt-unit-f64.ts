/**
 * Unit-inner-stride body of `gemmNtF64` (see gemm-nt.ts). 4×4 register block over (rows of A,
 * rows of B); edges fall back to 1×4 and 1×1 blocks. Kept in its own file so V8 sees one
 * monomorphic function per element type (gemm-nt-unit-f32.ts is the same code over Float32Array).
 */
export function gemmNtUnitF64(
  m: number, n: number, k: number,
  a: Float64Array, sa0: number, oa: number,
  b: Float64Array, sb0: number, ob: number,
  out: Float64Array, so0: number, so1: number, oo: number,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = oa + i * sa0;
    const a1 = a0 + sa0;
    const a2 = a1 + sa0;
    const a3 = a2 + sa0;
    const c0 = oo + i * so0;
    for (let j = 0; j < n4; j += 4) {
      const b0 = ob + j * sb0;
      const b1 = b0 + sb0;
      const b2 = b1 + sb0;
      const b3 = b2 + sb0;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p] as number, x1 = a[a1 + p] as number, x2 = a[a2 + p] as number, x3 = a[a3 + p] as number;
        const y0 = b[b0 + p] as number, y1 = b[b1 + p] as number, y2 = b[b2 + p] as number, y3 = b[b3 + p] as number;
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      const c = c0 + j * so1;
      out[c] = s00; out[c + so1] = s01; out[c + 2 * so1] = s02; out[c + 3 * so1] = s03;
      out[c + so0] = s10; out[c + so0 + so1] = s11; out[c + so0 + 2 * so1] = s12; out[c + so0 + 3 * so1] = s13;
      const d2 = c + 2 * so0;
      out[d2] = s20; out[d2 + so1] = s21; out[d2 + 2 * so1] = s22; out[d2 + 3 * so1] = s23;
      const d3 = c + 3 * so0;
      out[d3] = s30; out[d3 + so1] = s31; out[d3 + 2 * so1] = s32; out[d3 + 3 * so1] = s33;
    }
    for (let j = n4; j < n; j++) {
      const bj = ob + j * sb0;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[bj + p] as number;
        s0 += (a[a0 + p] as number) * y; s1 += (a[a1 + p] as number) * y;
        s2 += (a[a2 + p] as number) * y; s3 += (a[a3 + p] as number) * y;
      }
      const c = c0 + j * so1;
      out[c] = s0; out[c + so0] = s1; out[c + 2 * so0] = s2; out[c + 3 * so0] = s3;
    }
  }
  for (let i = m4; i < m; i++) {
    const ai = oa + i * sa0;
    const ci = oo + i * so0;
    for (let j = 0; j < n4; j += 4) {
      const b0 = ob + j * sb0;
      const b1 = b0 + sb0;
      const b2 = b1 + sb0;
      const b3 = b2 + sb0;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[ai + p] as number;
        s0 += x * (b[b0 + p] as number); s1 += x * (b[b1 + p] as number);
        s2 += x * (b[b2 + p] as number); s3 += x * (b[b3 + p] as number);
      }
      const c = ci + j * so1;
      out[c] = s0; out[c + so1] = s1; out[c + 2 * so1] = s2; out[c + 3 * so1] = s3;
    }
    for (let j = n4; j < n; j++) {
      const bj = ob + j * sb0;
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[ai + p] as number) * (b[bj + p] as number);
      out[ci + j * so1] = s;
    }
  }
}
