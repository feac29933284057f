import { solveCrammerSinger } from '@dualxda/solver';
const n = 60000, d = 128, K = 10;
let s = 7; const r = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
const X = new Float32Array(n * d); const y = new Int32Array(n);
for (let i = 0; i < n; i++) { y[i] = Math.floor(r() * K); for (let j = 0; j < d; j++) X[i * d + j] = r() + (j % K === y[i] ? 0.1 : 0); }
for (const C of [1e-3, 1e-1]) {
  const a = solveCrammerSinger({ data: X, shape: [n, d] }, y, { C, onProgress: (p) => console.log(p.pass, p.seconds.toFixed(3), p.activeRows, p.maxViolation) }); console.log('serial', a.iterations, a.stopReason, a.primalObjective, a.seconds, a.supportVectorCount);
}
