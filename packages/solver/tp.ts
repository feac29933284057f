import { solveCrammerSinger } from '@dualxda/solver';
const n = 30000, d = 128, K = 10;
let s = 7; const u = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return (s + 0.5) / 4294967296; };
const g = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
const cen = Float64Array.from({ length: K * d }, () => 0.35 * g());
const X = new Float32Array(n * d); const y = new Int32Array(n);
for (let i = 0; i < n; i++) { y[i] = Math.floor(u() * K); for (let j = 0; j < d; j++) X[i * d + j] = Math.round((cen[y[i] * d + j] + g()) * 1e3) / 1e3; }
let hist: number[] = [];
const a = solveCrammerSinger({ data: X, shape: [n, d] }, y, { C: 1e-3, onProgress: (p) => hist.push(p.activeRows) });
console.log('serial', a.iterations, a.stopReason, a.primalObjective, a.seconds, a.supportVectorCount, hist.slice(0, 20).join(','), hist.reduce((x, y) => x + y, 0));
