"""Baseline for tools/bench/store.ts: the same bytes through numpy, in the same run.

    python3 tools/bench/store-baseline.py STORE.zarr SCRATCH_DIR

Reads the feature chunks of a finalized dualxda store the way any Python Zarr reader would (raw
bytes, or zstd via the `zstandard` module when the store is zstd-coded), then writes those rows
to an .npy file (streamed chunk by chunk, fsync'ed like the store writer), scans it through a
memmap and gathers the same 64 random rows the TypeScript bench gathers. Prints one JSON object.
"""
import hashlib
import json
import os
import resource
import sys
import time

import numpy as np


def main() -> None:
    store, scratch = sys.argv[1], sys.argv[2]
    with open(os.path.join(store, 'zarr.json')) as f:
        m = json.load(f)['attributes']['dualxda']
    rows, dim, chunk_rows = m['rows'], m['dim'], m['chunkRows']
    codec = m.get('codec', 'zstd')
    if m['dtype'] != 'float32':
        raise SystemExit('store-baseline.py: only float32 stores')
    chunks = (rows + chunk_rows - 1) // chunk_rows
    mb = rows * dim * 4 / 1e6
    out = {'codec': codec}

    decompress = None
    if codec == 'zstd':
        try:
            import zstandard  # Debian: python3-zstandard
            decompress = zstandard.ZstdDecompressor().decompress
        except ImportError:
            out['storeRead'] = 'skipped: no zstandard module (apt-get install python3-zstandard)'

    def chunk(k, verify=False):
        with open(os.path.join(store, 'features', 'c', str(k), '0'), 'rb') as f:
            b = f.read()
        if verify:
            hashlib.sha256(b).hexdigest()
        if decompress is not None:
            b = decompress(b)
        return np.frombuffer(b, dtype='<f4').reshape(chunk_rows, dim)

    if codec == 'raw' or decompress is not None:
        for verify in (False, True):
            t, c = time.perf_counter(), time.process_time()
            s = 0.0
            for k in range(chunks):
                s += float(chunk(k, verify)[:, ::97].sum())
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            key = 'storeReadSha256' if verify else 'storeRead'
            out[key + 'MBps'] = mb / wall
            out[key + 'CpuSeconds'] = cpu

    npy = os.path.join(scratch, 'features.npy')
    t, c = time.perf_counter(), time.process_time()
    header = np.lib.format.header_data_from_array_1_0(np.empty((0, dim), '<f4'))
    header['shape'] = (rows, dim)
    with open(npy, 'wb') as f:
        np.lib.format.write_array_header_1_0(f, header)
        for k in range(chunks):
            n = min(chunk_rows, rows - k * chunk_rows)
            chunk(k)[:n].tofile(f)
        f.flush()
        os.fsync(f.fileno())
    # The chunk reads above are part of this loop; take them out with the storeRead figure.
    wall = time.perf_counter() - t
    read_s = mb / out['storeReadMBps'] if 'storeReadMBps' in out else 0.0
    out['npyWriteMBps'] = mb / max(wall - read_s, 1e-9)
    out['npyWriteCpuSeconds'] = time.process_time() - c

    t, c = time.perf_counter(), time.process_time()
    a = np.load(npy, mmap_mode='r')
    s = 0.0
    for k in range(chunks):
        s += float(np.asarray(a[k * chunk_rows:(k + 1) * chunk_rows])[:, ::97].sum())
    out['npyMemmapReadMBps'] = mb / (time.perf_counter() - t)
    out['npyMemmapReadCpuSeconds'] = time.process_time() - c

    idx = [(i * 7919 * 104729) % rows for i in range(64)]
    t = time.perf_counter()
    np.asarray(np.load(npy, mmap_mode='r')[idx])
    out['npyGather64Seconds'] = time.perf_counter() - t
    out['peakRssMb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    os.remove(npy)
    print(json.dumps(out))


main()
