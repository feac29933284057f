"""Builds the torch module of a Hugging Face sequence-classifier folder (config.json + safetensors)
without `transformers` (not installable here): the hfmini reference models of tools/fixtures/model,
whose parameter names are transformers', loaded with the folder's own weights.

Supported: bert, roberta, distilbert, llama, mistral, qwen2, gemma *ForSequenceClassification, weights in
`model.safetensors` or `model.safetensors.index.json` + shards, F32/F16/BF16/F64 (computed in
float32). What the reference models cannot compute is refused by name (`config.<field>`), never
approximated: RoPE scaling other than none/default, `mlp_bias`, other activations, sinusoidal
DistilBERT positions, token/LM heads.

Used by tools/convert/export-onnx.py and tools/bench/real-size.py.
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'fixtures', 'model'))
from hfmini.encoders import DistilBertForSequenceClassification, RobertaForSequenceClassification  # noqa: E402
from hfmini.llama_variants import (GemmaForSequenceClassification, MistralForSequenceClassification,  # noqa: E402
                                   Qwen2ForSequenceClassification)
from hfmini.models import BertForSequenceClassification, LlamaForSequenceClassification  # noqa: E402

ST = 'model.safetensors'
ST_INDEX = 'model.safetensors.index.json'
DTYPES = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16, 'F64': torch.float64}
# model_type -> (module class, head weight name, inputs of its forward)
ARCHITECTURES = {
    'bert': (BertForSequenceClassification, 'classifier.weight', ('input_ids', 'attention_mask', 'token_type_ids')),
    'roberta': (RobertaForSequenceClassification, 'classifier.out_proj.weight', ('input_ids', 'attention_mask')),
    'distilbert': (DistilBertForSequenceClassification, 'classifier.weight', ('input_ids', 'attention_mask')),
    'llama': (LlamaForSequenceClassification, 'score.weight', ('input_ids', 'attention_mask')),
    'mistral': (MistralForSequenceClassification, 'score.weight', ('input_ids', 'attention_mask')),
    'qwen2': (Qwen2ForSequenceClassification, 'score.weight', ('input_ids', 'attention_mask')),
    'gemma': (GemmaForSequenceClassification, 'score.weight', ('input_ids', 'attention_mask')),
}
# buffers some transformers versions save next to the parameters; not weights
IGNORED_SUFFIXES = ('position_ids', 'rotary_emb.inv_freq', 'attn.masked_bias', 'attn.bias')


class CheckpointError(Exception):
    """Bad or unsupported checkpoint; the message names the file and field."""


def _fail(d, file, why):
    raise CheckpointError(f'{os.path.join(d, file)}: {why}')


def read_config(d):
    path = os.path.join(d, 'config.json')
    if not os.path.exists(path):
        _fail(d, 'config.json', 'file is missing')
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def safetensors_files(d):
    """The weight files `save_pretrained` wrote: one file, or the shards the index names."""
    if os.path.exists(os.path.join(d, ST)):
        return [ST]
    if os.path.exists(os.path.join(d, ST_INDEX)):
        with open(os.path.join(d, ST_INDEX), encoding='utf-8') as f:
            shards = sorted(set(json.load(f)['weight_map'].values()))
        for s in shards:
            if os.path.basename(s) != s or not os.path.exists(os.path.join(d, s)):
                _fail(d, ST_INDEX, f'shard {s!r} is not a file in the folder')
        return shards
    if os.path.exists(os.path.join(d, 'pytorch_model.bin')) or os.path.exists(os.path.join(d, 'pytorch_model.bin.index.json')):
        _fail(d, 'pytorch_model.bin', f'convert it first: python3 tools/convert/bin-to-safetensors.py {d}')
    _fail(d, ST, 'file is missing (nor model.safetensors.index.json)')


def iter_tensors(d):
    """(name, float32 tensor) for every tensor of every weight file, one tensor in memory at a time."""
    if sys.byteorder != 'little':
        raise CheckpointError('safetensors data is little-endian; this machine is not')
    for file in safetensors_files(d):
        with open(os.path.join(d, file), 'rb') as f:
            n = int.from_bytes(f.read(8), 'little')
            header = json.loads(f.read(n))
            base = 8 + n
            for name, info in sorted(header.items(), key=lambda kv: kv[1]['data_offsets'][0] if kv[0] != '__metadata__' else -1):
                if name == '__metadata__':
                    continue
                if info['dtype'] not in DTYPES:
                    _fail(d, file, f'tensor {name!r}: dtype {info["dtype"]} is not a float type ({", ".join(DTYPES)})')
                a, b = info['data_offsets']
                f.seek(base + a)
                raw = bytearray(f.read(b - a))
                t = torch.frombuffer(raw, dtype=DTYPES[info['dtype']]) if raw else torch.empty(0, dtype=DTYPES[info['dtype']])
                yield name, t.reshape(info['shape']).to(torch.float32)


def _rope_type(c):
    rp = c.get('rope_parameters')
    if isinstance(rp, dict):
        if not all(isinstance(v, (int, float, str, type(None))) for v in rp.values()):
            return 'rope_parameters', 'per-layer-type'
        return 'rope_parameters.rope_type', rp.get('rope_type', 'default')
    rs = c.get('rope_scaling')
    if isinstance(rs, dict):
        return 'rope_scaling.rope_type', rs.get('rope_type', rs.get('type', 'default'))
    return None, 'default'


def normalized_config(d, c):
    """A copy of config.json with transformers' defaults filled in; unsupported settings refused."""
    mt = c.get('model_type')
    if mt not in ARCHITECTURES:
        _fail(d, 'config.json', f'field "model_type": {mt!r} is not supported; supported: {", ".join(ARCHITECTURES)}')
    arch = (c.get('architectures') or [f'{mt}ForSequenceClassification'])[0]
    if not arch.endswith('ForSequenceClassification'):
        _fail(d, 'config.json', f'field "architectures": {arch!r}: only *ForSequenceClassification folders are exported (token and LM heads run on the built-in forward)')
    c = dict(c)
    if mt in ('bert', 'roberta'):
        c.setdefault('type_vocab_size', 2)
        c.setdefault('layer_norm_eps', 1e-12)
        c.setdefault('pad_token_id', 0 if mt == 'bert' else 1)
        if c.get('hidden_act', 'gelu') != 'gelu':
            _fail(d, 'config.json', f'field "hidden_act": only "gelu" (exact) is supported, got {c["hidden_act"]!r}')
        if c.get('position_embedding_type', 'absolute') != 'absolute':
            _fail(d, 'config.json', f'field "position_embedding_type": only "absolute" is supported, got {c["position_embedding_type"]!r}')
    elif mt == 'distilbert':
        c.setdefault('pad_token_id', 0)
        c.setdefault('activation', 'gelu')
        if c['activation'] not in ('gelu', 'relu'):
            _fail(d, 'config.json', f'field "activation": only "gelu" and "relu" are supported, got {c["activation"]!r}')
        if c.get('sinusoidal_pos_embds'):
            _fail(d, 'config.json', 'field "sinusoidal_pos_embds": sinusoidal positions are not supported')
    else:
        c.setdefault('num_key_value_heads', c['num_attention_heads'])
        c.setdefault('rms_norm_eps', 1e-6)
        c.setdefault('pad_token_id', None)
        if mt == 'gemma':
            # GemmaConfig: `hidden_activation` overrides the legacy `hidden_act`; only the tanh GELU is built
            field = 'hidden_activation' if c.get('hidden_activation') is not None else 'hidden_act'
            if c.get(field, 'gelu_pytorch_tanh') != 'gelu_pytorch_tanh':
                _fail(d, 'config.json', f'field "{field}": only "gelu_pytorch_tanh" is supported for gemma, got {c[field]!r}')
            c.setdefault('head_dim', 256)
        elif c.get('hidden_act', 'silu') != 'silu':
            _fail(d, 'config.json', f'field "hidden_act": only "silu" is supported, got {c["hidden_act"]!r}')
        if c.get('mlp_bias'):
            _fail(d, 'config.json', 'field "mlp_bias": MLP biases are not supported')
        field, rope = _rope_type(c)
        if rope != 'default':
            _fail(d, 'config.json', f'field "{field}": RoPE type {rope!r} is not supported by the export (default only)')
        if c.get('partial_rotary_factor', 1.0) != 1.0:
            _fail(d, 'config.json', 'field "partial_rotary_factor": partial rotary embeddings are not supported')
        theta = (c.get('rope_parameters') or {}).get('rope_theta', c.get('rope_theta', 10000.0))
        c['rope_theta'] = theta
    return c


def load_torch_model(d):
    """(module in eval mode, float32, with the folder's weights; the names of its forward's inputs)."""
    raw = read_config(d)
    c = normalized_config(d, raw)
    cls, head, inputs = ARCHITECTURES[c['model_type']]
    files = safetensors_files(d)
    if 'id2label' not in c:  # K from the head's rows
        for name, t in iter_tensors(d):
            if name == head:
                c['id2label'] = {str(i): f'LABEL_{i}' for i in range(t.shape[0])}
                break
        else:
            _fail(d, files[0], f'head weight {head!r} is missing')
    with torch.no_grad():
        model = cls(c)
        params = dict(model.named_parameters())
        seen = set()
        for name, t in iter_tensors(d):
            if name not in params:
                if name.endswith(IGNORED_SUFFIXES):
                    continue
                _fail(d, ', '.join(files), f'tensor {name!r} is not a parameter of {cls.__name__} (unsupported variant)')
            if tuple(t.shape) != tuple(params[name].shape):
                _fail(d, ', '.join(files), f'tensor {name!r}: shape {list(t.shape)}, expected {list(params[name].shape)}')
            params[name].copy_(t)
            seen.add(name)
    missing = sorted(set(params) - seen)
    if missing:
        _fail(d, ', '.join(files), f'tensors missing: {", ".join(missing[:5])}{" …" if len(missing) > 5 else ""}')
    model.eval()
    return model, inputs
