#!/usr/bin/python3
"""A RANDOM BERT-base checkpoint (12 layers, hidden 768, 12 heads, intermediate 3072, vocab
30522, max_position_embeddings 512, 2 labels) in the Hugging Face folder layout that openModel
reads (config.json, tokenizer files, model.safetensors, onnx/model.onnx), plus the torch eager
baseline: single-thread forward throughput on the first texts of a corpus.

Used by tools/bench/distributed-scale.ts at bench time; the weights (~440 MB) go into a temp
folder and are never committed. Random weights: throughput depends on the geometry only.

The tokenizer is spam-bert's WordPiece vocabulary (6,000 pieces, ids < 30522), so token counts
are those of the embedded model; a real BERT vocabulary cuts the same text into fewer pieces.

Usage (Debian python3-torch 1.13; from the repo root):
  /usr/bin/python3 tools/bench/bert-base-random.py --out DIR [--texts 64] [--max-length 128]
      [--batch-size 32] [--corpus packages/llm-adapter/assets/corpus/train.jsonl] [--no-baseline]
Prints one JSON object on stdout (generation seconds, baseline tokens/s).
"""
import argparse
import json
import os
import sys
import time

import torch

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'fixtures', 'model'))
from hfmini import layouts  # noqa: E402
from hfmini.export import run, write_checkpoint  # noqa: E402
from hfmini.models import BertForSequenceClassification  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
SPAM_BERT = os.path.join(ROOT, 'packages', 'llm-adapter', 'assets', 'spam-bert')
# bert-base-uncased geometry (Devlin et al. 2019; HF config of bert-base-uncased)
GEOMETRY = {'vocab_size': 30522, 'hidden': 768, 'layers': 12, 'heads': 12, 'intermediate': 3072, 'max_pos': 512}


def init_like_hf_(model, seed):
    """HF's BERT init (normal 0.02, LayerNorm 1/0, zero biases), seeded: realistic activations."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if 'LayerNorm' in name:
                p.fill_(1.0 if name.endswith('weight') else 0.0)
            elif name.endswith('bias'):
                p.zero_()
            else:
                p.copy_(0.02 * torch.randn(p.shape, generator=g))


def spam_bert_tokenizer():
    with open(os.path.join(SPAM_BERT, 'tokenizer.json'), encoding='utf-8') as f:
        vocab = json.load(f)['model']['vocab']
    return layouts.bert_tokenizer([t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])])


def torch_baseline(model, tok, corpus, n, max_length, batch_size):
    """Same batching as embedTexts: sort by length (stable), cut into batches, pad per batch.
    Times the forward passes only (tokenisation excluded), on one thread."""
    texts = []
    with open(corpus, encoding='utf-8') as f:
        for line in f:
            texts.append(json.loads(line)['text'])
            if len(texts) == n:
                break
    enc = [tok.encode(t, max_length) for t in texts]
    order = sorted(range(len(enc)), key=lambda i: (len(enc[i]), i))
    batches = []
    for s in range(0, len(order), batch_size):
        idx = order[s:s + batch_size]
        T = max(len(enc[i]) for i in idx)
        ids = torch.tensor([enc[i] + [0] * (T - len(enc[i])) for i in idx], dtype=torch.int64)
        mask = torch.tensor([[1] * len(enc[i]) + [0] * (T - len(enc[i])) for i in idx], dtype=torch.int64)
        batches.append({'input_ids': ids, 'attention_mask': mask, 'token_type_ids': torch.zeros_like(ids)})
    run(model, batches[0])  # warm-up (allocator, oneDNN primitives), untimed
    t0 = time.perf_counter()
    for b in batches:
        run(model, b)
    seconds = time.perf_counter() - t0
    tokens = sum(len(e) for e in enc)
    return {'texts': len(texts), 'tokens': tokens, 'seconds': seconds,
            'textsPerSecond': len(texts) / seconds, 'tokensPerSecond': tokens / seconds,
            'torch': torch.__version__, 'threads': torch.get_num_threads()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--texts', type=int, default=64)
    ap.add_argument('--max-length', type=int, default=128)
    ap.add_argument('--batch-size', type=int, default=32)
    ap.add_argument('--corpus', default=os.path.join(ROOT, 'packages', 'llm-adapter', 'assets', 'corpus', 'train.jsonl'))
    ap.add_argument('--no-baseline', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(1)
    g = GEOMETRY
    t0 = time.perf_counter()
    tok = spam_bert_tokenizer()
    cfg = layouts.bert_config(g['vocab_size'], g['hidden'], g['layers'], g['heads'], g['intermediate'],
                              g['max_pos'], ['ham', 'spam'], dropout=0.0)
    model = BertForSequenceClassification(cfg)
    init_like_hf_(model, seed=2018)
    tcfg, stm = layouts.bert_tokenizer_files(g['max_pos'])
    write_checkpoint(a.out, model, tok, layouts.BERT_SPECIALS, tcfg, stm)
    result = {'out': a.out, 'geometry': g, 'parameters': sum(p.numel() for p in model.parameters()),
              'generateSeconds': time.perf_counter() - t0}
    if not a.no_baseline:
        result['torchBaseline'] = torch_baseline(model, tok, a.corpus, a.texts, a.max_length, a.batch_size)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
