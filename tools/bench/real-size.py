#!/usr/bin/python3
"""Python side of tools/bench/real-size.ts (issue 14 item 5): a RANDOM ~0.5B decoder checkpoint in
the Qwen2-0.5B shape, and the torch eager baseline every real-size figure is compared with.

  generate-decoder --out DIR [--dtype bfloat16|float16|float32] [--seed 2024]
      Qwen2ForSequenceClassification, Qwen2-0.5B geometry (24 layers, hidden 896, 14 heads,
      2 kv heads, intermediate 4864, vocab 151936, q/k/v biases, RoPE theta 1e6, 2 labels),
      HF-style init (normal 0.02, zero biases, unit norms). Tokenizer: spam-bert's WordPiece pieces
      with Llama's specials (6k ids < 151936), as a `save_pretrained` folder without onnx/.
      Weights in --dtype (bf16: ~1 GB on disk; the loader decodes to float32).
  baseline --dir DIR --ids IDS.json --threads N [--batch-size 32] [--repeats 3]
      torch eager forward (the hfmini module built from the folder by
      tools/convert/hf_torch_model.py, float32, no_grad) over the token ids the TypeScript side
      wrote (so both run identical tokens), batched like embedTexts (stable sort by length, right
      padding). One warm-up batch, then the median of --repeats passes over all batches.
Each prints one JSON line. Random weights: throughput depends on the geometry only.
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
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(HERE, '..', 'convert'))
sys.path.insert(0, os.path.join(HERE, '..', 'fixtures', 'model'))
from hf_torch_model import load_torch_model  # noqa: E402
from hfmini import layouts  # noqa: E402
from hfmini.export import _write_json  # noqa: E402
from hfmini.llama_variants import Qwen2ForSequenceClassification, qwen2_config  # noqa: E402
from hfmini.wordpiece import tokenizer_json  # noqa: E402

# Qwen2-0.5B (Qwen/Qwen2-0.5B config.json); max positions capped at 32768 as in Qwen2.5-0.5B.
QWEN2_05B = {'vocab_size': 151936, 'hidden': 896, 'layers': 24, 'heads': 14, 'kv_heads': 2,
             'intermediate': 4864, 'max_pos': 32768}
TOKENIZER_MAX_LENGTH = 512
TAGS = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16'}


def max_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_safetensors(path, named, dtype):
    """Streams tensors (cast to dtype) after the header, one at a time; atomic."""
    header, offset = {}, 0
    for name, p in named:
        n = p.numel() * torch.tensor([], dtype=dtype).element_size()
        header[name] = {'dtype': TAGS[dtype], 'shape': list(p.shape), 'data_offsets': [offset, offset + n]}
        offset += n
    header['__metadata__'] = {'format': 'pt'}
    hb = json.dumps(header, separators=(',', ':')).encode('utf-8')
    hb += b' ' * ((8 - len(hb) % 8) % 8)
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(len(hb).to_bytes(8, 'little'))
        f.write(hb)
        for _, p in named:
            t = p.detach().to(dtype).contiguous()
            f.write((t.view(torch.int16) if dtype == torch.bfloat16 else t).numpy().tobytes())
    os.replace(tmp, path)


def spam_bert_pieces():
    with open(os.path.join(ROOT, 'packages/llm-adapter/assets/spam-bert/tokenizer.json'), encoding='utf-8') as f:
        vocab = json.load(f)['model']['vocab']
    return [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1]) if t not in layouts.BERT_SPECIALS]


def generate_decoder(a):
    t0 = time.perf_counter()
    g = QWEN2_05B
    cfg = qwen2_config(g['vocab_size'], g['hidden'], g['layers'], g['heads'], g['kv_heads'], g['intermediate'],
                       g['max_pos'], ['ham', 'spam'], sliding_window=None, max_window_layers=g['layers'])
    dtype = {'float32': torch.float32, 'float16': torch.float16, 'bfloat16': torch.bfloat16}[a.dtype]
    cfg['torch_dtype'] = a.dtype
    model = Qwen2ForSequenceClassification(cfg)
    gen = torch.Generator().manual_seed(a.seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith('norm.weight'):
                p.fill_(1.0)
            elif name.endswith('bias'):
                p.zero_()
            else:
                p.normal_(0.0, 0.02, generator=gen)
    os.makedirs(a.out, exist_ok=True)
    tok = layouts.llama_tokenizer(layouts.LLAMA_SPECIALS + spam_bert_pieces())
    tcfg, stm = layouts.llama_tokenizer_files(TOKENIZER_MAX_LENGTH)
    _write_json(os.path.join(a.out, 'config.json'), cfg)
    _write_json(os.path.join(a.out, 'tokenizer.json'), tokenizer_json(tok, layouts.LLAMA_SPECIALS, TOKENIZER_MAX_LENGTH))
    _write_json(os.path.join(a.out, 'tokenizer_config.json'), tcfg)
    _write_json(os.path.join(a.out, 'special_tokens_map.json'), stm)
    write_safetensors(os.path.join(a.out, 'model.safetensors'), list(model.named_parameters()), dtype)
    return {'out': a.out, 'geometry': g, 'dtype': a.dtype, 'tokenizerPieces': len(tok.vocab),
            'parameters': sum(p.numel() for p in model.parameters()),
            'bytes': os.path.getsize(os.path.join(a.out, 'model.safetensors')),
            'generateSeconds': time.perf_counter() - t0, 'maxRssMiB': max_rss_mib()}


def baseline(a):
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    model, names = load_torch_model(a.dir)
    load_s = time.perf_counter() - t0
    with open(a.ids, encoding='utf-8') as f:
        spec = json.load(f)
    enc, pad = spec['ids'], spec['padId']
    order = sorted(range(len(enc)), key=lambda i: (len(enc[i]), i))
    batches = []
    for s in range(0, len(order), a.batch_size):
        idx = order[s:s + a.batch_size]
        T = max(len(enc[i]) for i in idx)
        ids = torch.tensor([enc[i] + [pad] * (T - len(enc[i])) for i in idx], dtype=torch.int64)
        mask = torch.tensor([[1] * len(enc[i]) + [0] * (T - len(enc[i])) for i in idx], dtype=torch.int64)
        inp = {'input_ids': ids, 'attention_mask': mask, 'token_type_ids': torch.zeros_like(ids)}
        batches.append(tuple(inp[n] for n in names))
    tokens = sum(len(e) for e in enc)
    with torch.no_grad():
        model(*batches[0])  # warm-up (allocator, oneDNN primitives), untimed
        runs = []
        for _ in range(a.repeats):
            w0, c0 = time.perf_counter(), time.process_time()
            for b in batches:
                model(*b)
            runs.append((time.perf_counter() - w0, time.process_time() - c0))
    runs.sort()
    wall, cpu = runs[len(runs) // 2]
    return {'runner': 'torch-eager', 'torch': torch.__version__, 'threads': torch.get_num_threads(),
            'texts': len(enc), 'tokens': tokens, 'batchSize': a.batch_size, 'repeats': a.repeats,
            'loadSeconds': load_s, 'wallSeconds': wall, 'cpuSeconds': cpu, 'tokensPerSecond': tokens / wall,
            'wallSecondsAll': [r[0] for r in runs], 'maxRssMiB': max_rss_mib()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    g = sub.add_parser('generate-decoder')
    g.add_argument('--out', required=True)
    g.add_argument('--dtype', default='bfloat16', choices=['bfloat16', 'float16', 'float32'])
    g.add_argument('--seed', type=int, default=2024)
    b = sub.add_parser('baseline')
    b.add_argument('--dir', required=True)
    b.add_argument('--ids', required=True)
    b.add_argument('--threads', type=int, default=1)
    b.add_argument('--batch-size', type=int, default=32)
    b.add_argument('--repeats', type=int, default=3)
    a = ap.parse_args()
    print(json.dumps(generate_decoder(a) if a.cmd == 'generate-decoder' else baseline(a)))


if __name__ == '__main__':
    main()
