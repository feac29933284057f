"""Baseline for tools/bench/explain.ts: the same explain work through numpy/OpenBLAS, in the same run.

    OPENBLAS_NUM_THREADS=T python3 tools/bench/explain-numpy-baseline.py DIR REPS

DIR holds what the TypeScript bench wrote: meta.json (nSV, dim, K, batch, topK), sv.f32 (nSV × dim
support vectors), alpha.f64 (nSV × K), test.f32 (batch × dim), targets.i32 (batch). Per class, the
support vectors with α[·, c] ≠ 0 are gathered once (model load, untimed; float32 and float64
copies), as explain's class-gathered path skips α = 0 entries. Per batch: for each class present,
G = F_c X_cᵀ (sgemm or dgemm), scores = α_c · G in float64, the row sums, and top-k proponents /
opponents by argpartition then a sort of the k; and, as the BLAS line, the products G alone
(`gemmOnly*`, `gemvOnly*` for one query). Timed in process CPU time (all BLAS threads) and
wall, median of REPS. Also times a sequential read of the support vectors (a float32 max
reduction, the fastest full read numpy offers) for the memory-bandwidth bound. Prints one JSON object.
"""
import json
import os
import sys
import time

import numpy as np


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def main() -> None:
    d, reps = sys.argv[1], int(sys.argv[2])
    with open(os.path.join(d, 'meta.json')) as f:
        meta = json.load(f)
    n_sv, dim, K, batch, top_k = meta['nSV'], meta['dim'], meta['K'], meta['batch'], meta['topK']
    sv = np.fromfile(os.path.join(d, 'sv.f32'), dtype=np.float32).reshape(n_sv, dim)
    alpha = np.fromfile(os.path.join(d, 'alpha.f64'), dtype=np.float64).reshape(n_sv, K)
    test = np.fromfile(os.path.join(d, 'test.f32'), dtype=np.float32).reshape(batch, dim)
    targets = np.fromfile(os.path.join(d, 'targets.i32'), dtype=np.int32)

    cols = [np.nonzero(alpha[:, c])[0] for c in range(K)]
    x32 = [np.ascontiguousarray(sv[cols[c]]) for c in range(K)]
    x64 = [x.astype(np.float64) for x in x32]
    a_c = [np.ascontiguousarray(alpha[cols[c], c]) for c in range(K)]

    def run(f32, rows):
        out = []
        for c in np.unique(targets[:rows]):
            idx = np.nonzero(targets[:rows] == c)[0]
            f = test[idx] if f32 else test[idx].astype(np.float64)
            g = f @ (x32[c] if f32 else x64[c]).T
            s = g * a_c[c]
            row_sum = s.sum(axis=1)
            k = min(top_k, s.shape[1])
            hi = np.argpartition(s, s.shape[1] - k, axis=1)[:, -k:]
            lo = np.argpartition(s, k - 1, axis=1)[:, :k]
            hv = np.take_along_axis(s, hi, axis=1)
            lv = np.take_along_axis(s, lo, axis=1)
            pro = np.take_along_axis(hi, np.argsort(-hv, axis=1), axis=1)
            opp = np.take_along_axis(lo, np.argsort(lv, axis=1), axis=1)
            out.append((idx, row_sum, cols[c][pro], cols[c][opp]))
        return out

    def gemm_only(f32, rows):
        # The BLAS line: only the products over the same non-zero-α rows, nothing after them.
        for c in np.unique(targets[:rows]):
            idx = np.nonzero(targets[:rows] == c)[0]
            f = test[idx] if f32 else test[idx].astype(np.float64)
            f @ (x32[c] if f32 else x64[c]).T

    def timed(fn, n):
        cpu, wall = [], []
        fn()  # warm-up
        for _ in range(n):
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        return median(cpu), median(wall), min(wall)

    res = {'blasThreads': os.environ.get('OPENBLAS_NUM_THREADS'), 'numpy': np.__version__}
    for name, f32 in (('float32', True), ('float64', False)):
        cpu, wall, _ = timed(lambda: run(f32, batch), reps)
        s_cpu, s_wall, s_min = timed(lambda: run(f32, 1), max(reps, 7))
        g_cpu, g_wall, _ = timed(lambda: gemm_only(f32, batch), reps)
        gs_cpu, gs_wall, _ = timed(lambda: gemm_only(f32, 1), max(reps, 7))
        res[name] = {
            'gemmOnlyPerQueryCpuMs': g_cpu * 1e3 / batch,
            'gemmOnlyPerQueryWallMs': g_wall * 1e3 / batch,
            'gemvOnlySingleQueryWallMs': gs_wall * 1e3,
            'gemvOnlySingleQueryCpuMs': gs_cpu * 1e3,
            'batchedPerQueryCpuMs': cpu * 1e3 / batch,
            'batchedPerQueryWallMs': wall * 1e3 / batch,
            'singleQueryCpuMs': s_cpu * 1e3,
            'singleQueryWallMs': s_wall * 1e3,
            'singleQueryMinWallMs': s_min * 1e3,
        }
    # Memory bandwidth: best of several sequential reads of the whole float32 support-vector matrix.
    flat = sv.reshape(-1)
    flat.max()
    best = min(_t(flat.max) for _ in range(15))
    res['readGBps'] = flat.nbytes / best / 1e9
    res['readBytes'] = flat.nbytes
    # Rows target 0 needs (the single query's class): the bytes a GEMV must read at least.
    res['singleQueryBytes'] = int(len(cols[int(targets[0])]) * dim * 4)
    res['singleQueryBoundMs'] = res['singleQueryBytes'] / (res['readGBps'] * 1e9) * 1e3
    print(json.dumps(res))


def _t(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == '__main__':
    main()
