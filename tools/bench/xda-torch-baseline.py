#!/usr/bin/python3
"""Torch baseline of tools/bench/xda.ts: gradient×input heatmaps of (test, train) pairs on the
same BERT weights, threads, batch and sequence length, as a plain backward pass (no LRP rules).

The work per call mirrors one XDA `explainTopK(test, k trains)`: both heatmaps of every pair.
One forward of the batch [test × k, train_1 .. train_k] (each row of length `seq`), the readout
Σ_b α f_b · stopgrad(f_partner(b)), one backward to the word embeddings, and Σ_hidden e ⊙ ∂/∂e per
token. For k = 1 that is a 2-row forward + backward.

Usage (Debian python3-torch 1.13; from the repo root):
  /usr/bin/python3 tools/bench/xda-torch-baseline.py [--model packages/llm-adapter/assets/spam-bert]
      [--seq 128] [--k 1,8] [--runs 5] [--threads 1] [--vocab-seed 12345]
Prints one JSON object on stdout: {"k1": {"msPerPair": ..., "msPerCall": [...]}, ...}.
"""
import argparse
import json
import os
import resource
import sys
import time

import torch

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'fixtures', 'model'))
from hfmini.load_bert import load_bert_classifier  # noqa: E402


def load(folder):
    model, config = load_bert_classifier(folder)
    for p in model.parameters():
        p.requires_grad_(False)
    return model, config


def heatmaps(model, ids, k):
    """Both sides of k pairs: rows 0..k-1 are the test copies, rows k..2k-1 the trains."""
    mask = torch.ones_like(ids)
    types = torch.zeros_like(ids)
    e = model.bert.embeddings.word_embeddings(ids).detach().requires_grad_(True)
    # The model's own forward, with the word embeddings as the leaf the gradient is taken at.
    emb = model.bert.embeddings
    pos = torch.arange(ids.shape[1])
    x = emb.LayerNorm(e + emb.position_embeddings(pos)[None] + emb.token_type_embeddings(types))
    key_mask = mask > 0
    for layer in model.bert.encoder.layer:
        x = layer(x, key_mask)
    f = torch.tanh(model.bert.pooler.dense(x[:, 0]))
    partner = torch.cat([f[k:], f[:k]]).detach()
    f.mul(partner).sum().backward()
    return (e * e.grad).sum(-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default=os.path.join(HERE, '..', '..', 'packages', 'llm-adapter', 'assets', 'spam-bert'))
    ap.add_argument('--seq', type=int, default=128)
    ap.add_argument('--k', default='1,8')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--vocab-seed', type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model, config = load(args.model)
    seq = min(args.seq, config['max_position_embeddings'])
    g = torch.Generator().manual_seed(args.vocab_seed)
    out = {'torch': torch.__version__, 'threads': args.threads, 'seq': seq}
    for k in [int(s) for s in args.k.split(',')]:
        ids = torch.randint(5, config['vocab_size'], (2 * k, seq), generator=g)
        ids[:, 0], ids[:, -1] = 2, 3
        times = []
        for i in range(args.runs + 1):
            t0 = time.perf_counter()
            c0 = time.process_time()
            heatmaps(model, ids, k)
            wall, cpu = (time.perf_counter() - t0) * 1e3, (time.process_time() - c0) * 1e3
            if i > 0:  # the first call warms up
                times.append((wall, cpu))
        walls = sorted(t[0] for t in times)
        cpus = sorted(t[1] for t in times)
        out[f'k{k}'] = {'msPerPair': walls[len(walls) // 2] / k, 'cpuMsPerPair': cpus[len(cpus) // 2] / k, 'msPerCall': walls}
    out['peakRssMiB'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == '__main__':
    main()
