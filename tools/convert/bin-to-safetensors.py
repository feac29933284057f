#!/usr/bin/env python3
"""Convert a Hugging Face checkpoint folder's PyTorch pickle weights (`pytorch_model.bin`, or
`pytorch_model.bin.index.json` + shards) to safetensors (`model.safetensors`, or
`model.safetensors.index.json` + `model-0000i-of-0000n.safetensors`), next to them.

Needs only torch (Debian's python3-torch works; no `safetensors` package): the safetensors format
is written by hand (u64 little-endian header length, JSON header, raw little-endian row-major data).
Every dtype is kept (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL). Tied weights that share
storage are written once per name, as separate tensors. Each file is written to a temporary name
and renamed, so an interrupted run leaves no half file.

Usage:
    python3 tools/convert/bin-to-safetensors.py DIR [--out OUT_DIR] [--force]

The pickle is loaded with torch.load(weights_only=True) where torch supports it (>= 1.13), so a
checkpoint cannot run code while it is read.
"""
import argparse
import json
import os
import sys

BIN = 'pytorch_model.bin'
BIN_INDEX = 'pytorch_model.bin.index.json'
ST = 'model.safetensors'
ST_INDEX = 'model.safetensors.index.json'


def dtype_tag(t):
    import torch
    tags = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.float64: 'F64',
            torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8',
            torch.uint8: 'U8', torch.bool: 'BOOL'}
    if t.dtype not in tags:
        raise SystemExit(f'bin-to-safetensors: dtype {t.dtype} has no safetensors tag')
    return tags[t.dtype]


def tensor_bytes(t):
    """Raw little-endian bytes of a tensor (bf16 through its int16 bit pattern: numpy has no bf16)."""
    import torch
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    elif t.dtype == torch.bool:
        t = t.to(torch.uint8)
    return t.numpy().tobytes()


def write_safetensors(path, entries, metadata=None):
    """entries: list of (name, tag, shape, nbytes, get_bytes). Streams the data one tensor at a
    time after the header, so only one tensor's bytes are in memory at once. Atomic."""
    header, offset = {}, 0
    for name, tag, shape, nbytes, _ in entries:
        header[name] = {'dtype': tag, 'shape': list(shape), 'data_offsets': [offset, offset + nbytes]}
        offset += nbytes
    header['__metadata__'] = dict(metadata or {'format': 'pt'})
    hb = json.dumps(header, separators=(',', ':')).encode('utf-8')
    hb += b' ' * ((8 - len(hb) % 8) % 8)  # the data section starts 8-byte aligned
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(len(hb).to_bytes(8, 'little'))
        f.write(hb)
        for name, _, _, nbytes, get_bytes in entries:
            raw = get_bytes()
            if len(raw) != nbytes:
                raise SystemExit(f'bin-to-safetensors: {name}: {len(raw)} bytes, expected {nbytes}')
            f.write(raw)
    os.replace(tmp, path)


def torch_entries(state):
    import torch
    out = []
    for name in state:
        t = state[name]
        if not isinstance(t, torch.Tensor):
            print(f'bin-to-safetensors: skipping {name!r} (not a tensor: {type(t).__name__})', file=sys.stderr)
            continue
        out.append((name, dtype_tag(t), tuple(t.shape), t.numel() * t.element_size(), lambda t=t: tensor_bytes(t)))
    return out


def load_state(path):
    import torch
    try:
        return torch.load(path, map_location='cpu', weights_only=True)
    except TypeError:  # torch < 1.13 has no weights_only
        return torch.load(path, map_location='cpu')


def convert(src, out, force):
    if sys.byteorder != 'little':
        raise SystemExit('bin-to-safetensors: needs a little-endian machine')
    os.makedirs(out, exist_ok=True)
    for existing in (ST, ST_INDEX):
        if os.path.exists(os.path.join(out, existing)) and not force:
            raise SystemExit(f'bin-to-safetensors: {os.path.join(out, existing)} exists (pass --force to overwrite)')
    if os.path.exists(os.path.join(src, BIN)):
        entries = torch_entries(load_state(os.path.join(src, BIN)))
        write_safetensors(os.path.join(out, ST), entries)
        return [ST]
    index_path = os.path.join(src, BIN_INDEX)
    if not os.path.exists(index_path):
        raise SystemExit(f'bin-to-safetensors: {src} has neither {BIN} nor {BIN_INDEX}')
    with open(index_path, encoding='utf-8') as f:
        index = json.load(f)
    shards = sorted(set(index['weight_map'].values()))
    n = len(shards)
    weight_map, written, total = {}, [], 0
    for i, shard in enumerate(shards):
        if os.path.basename(shard) != shard:
            raise SystemExit(f'bin-to-safetensors: {BIN_INDEX}: shard {shard!r} is not a file name in the folder')
        entries = torch_entries(load_state(os.path.join(src, shard)))
        name = f'model-{i + 1:05d}-of-{n:05d}.safetensors'
        write_safetensors(os.path.join(out, name), entries)
        for e in entries:
            weight_map[e[0]] = name
            total += e[3]
        written.append(name)
    tmp = os.path.join(out, ST_INDEX + '.tmp')
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump({'metadata': {'total_size': total}, 'weight_map': weight_map}, f, indent=2)
        f.write('\n')
    os.replace(tmp, os.path.join(out, ST_INDEX))
    return written + [ST_INDEX]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('dir', help='checkpoint folder with pytorch_model.bin or pytorch_model.bin.index.json')
    ap.add_argument('--out', help='output folder (default: DIR itself)')
    ap.add_argument('--force', action='store_true', help='overwrite existing safetensors files')
    a = ap.parse_args()
    out = a.out or a.dir
    for name in convert(a.dir, out, a.force):
        print('wrote', os.path.join(out, name))


if __name__ == '__main__':
    main()
