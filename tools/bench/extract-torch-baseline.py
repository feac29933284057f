"""Torch eager baseline for tools/bench/extract.ts: the same model, padded batches and threads.

    /usr/bin/python3 tools/bench/extract-torch-baseline.py MODEL_DIR BATCHES_FILE THREADS[,THREADS] REPS

BATCHES_FILE (written by the bench) holds the exact int64 batches our extraction feeds ONNX
Runtime: per batch a little-endian int32 header (rows, seqLen) then rows × seqLen input ids and
the attention mask, both int64. The model is tools/fixtures/model/hfmini's BertForSequenceClassification
with the checkpoint's safetensors (Debian python3-torch, eager, no_grad). Per thread count
(torch.set_num_threads), the forward over every batch is timed: wall and process CPU time,
median of REPS, after one warm-up pass. Prints one JSON object.
"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'fixtures', 'model'))
from hfmini.load_bert import load_bert_classifier  # noqa: E402


def load(folder):
    return load_bert_classifier(folder)[0]


def read_batches(path):
    raw = open(path, 'rb').read()
    out, off = [], 0
    while off < len(raw):
        rows, seq = np.frombuffer(raw, dtype='<i4', count=2, offset=off)
        off += 8
        n = int(rows) * int(seq)
        ids = np.frombuffer(raw, dtype='<i8', count=n, offset=off).reshape(rows, seq)
        off += 8 * n
        mask = np.frombuffer(raw, dtype='<i8', count=n, offset=off).reshape(rows, seq)
        off += 8 * n
        out.append((torch.from_numpy(ids.copy()), torch.from_numpy(mask.copy())))
    return out


def main():
    folder, path, threads, reps = sys.argv[1], sys.argv[2], [int(t) for t in sys.argv[3].split(',')], int(sys.argv[4])
    model = load(folder)
    batches = read_batches(path)
    tokens = int(sum(int(m.sum()) for _, m in batches))

    def run():
        with torch.no_grad():
            for ids, mask in batches:
                model(ids, mask, torch.zeros_like(ids))

    res = {'torch': torch.__version__, 'batches': len(batches), 'tokens': tokens, 'threads': {}}
    for t in threads:
        torch.set_num_threads(t)
        run()
        wall, cpu = [], []
        for _ in range(reps):
            c0, t0 = time.process_time(), time.perf_counter()
            run()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        w, c = sorted(wall)[len(wall) // 2], sorted(cpu)[len(cpu) // 2]
        res['threads'][str(t)] = {'seconds': w, 'cpuSeconds': c, 'tokensPerSecond': tokens / w, 'tokensPerCpuSecond': tokens / c}
    print(json.dumps(res))


if __name__ == '__main__':
    main()
