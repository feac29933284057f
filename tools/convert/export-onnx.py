#!/usr/bin/python3
"""Export `DIR/onnx/model.onnx` for a Hugging Face sequence-classifier folder (what
`save_pretrained` writes), in the form @dualxda/llm-adapter's ONNX runner reads:

  inputs   input_ids, attention_mask (, token_type_ids for bert) int64 [batch, sequence]
  outputs  logits [batch, K], features [batch, d] (exactly what the head multiplies),
           last_hidden_state [batch, sequence, H]; float32; opset 14, dynamic batch and sequence.

Needs Debian's python3-torch (1.13: `torch.onnx.export`, the TorchScript exporter, no onnxscript)
and python3-onnx (output shapes and the checker); not `transformers`: the module is built from
config.json + safetensors by tools/convert/hf_torch_model.py (bert, roberta, distilbert, llama,
mistral, qwen2, gemma; float32/16/bf16, single or sharded; computed in float32).

A graph over 2 GB is written by torch with its weights as external data files next to
model.onnx (ONNX Runtime reads them from there). The file is written under a temporary name and
renamed; an existing graph is kept unless --force.

Usage:
    python3 tools/convert/export-onnx.py DIR [--out DIR/onnx/model.onnx] [--opset 14] [--force]
Prints one JSON line (seconds, parameters, output path).
"""
import argparse
import json
import os
import resource
import sys
import time
import warnings

sys.dont_write_bytecode = True
try:
    import onnx
except ImportError:
    sys.exit('export-onnx: needs the onnx Python package (Debian: apt-get install python3-onnx)')
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_torch_model import CheckpointError, load_torch_model  # noqa: E402

OUTPUTS = ['logits', 'features', 'last_hidden_state']


def sample_inputs(model, names):
    """Two rows, the second right-padded: the traced graph is the same for every batch and length."""
    c = model.config
    vocab = c['vocab_size']
    pad = c.get('pad_token_id') or 0
    ids = torch.arange(16, dtype=torch.int64).reshape(2, 8) % max(1, vocab - 5) + 5
    ids = ids.clamp(max=vocab - 1)
    mask = torch.ones_like(ids)
    mask[1, 5:] = 0
    ids[1, 5:] = pad
    inp = {'input_ids': ids, 'attention_mask': mask, 'token_type_ids': torch.zeros_like(ids)}
    return tuple(inp[n] for n in names)


def export(d, out, opset):
    # the tracer's constant-shape notes are about math.sqrt(head_dim) and similar: true constants
    warnings.filterwarnings('ignore', category=torch.jit.TracerWarning)
    warnings.filterwarnings('ignore', message='The shape inference of prim::Constant')
    t0 = time.perf_counter()
    model, names = load_torch_model(d)
    load_s = time.perf_counter() - t0
    args = sample_inputs(model, names)
    with torch.no_grad():
        ref = dict(zip(OUTPUTS, model(*args)))
    dyn = {n: {0: 'batch', 1: 'sequence'} for n in names}
    dyn.update({'logits': {0: 'batch'}, 'features': {0: 'batch'}, 'last_hidden_state': {0: 'batch', 1: 'sequence'}})
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + '.tmp'
    torch.onnx.export(model, args, tmp, input_names=list(names), output_names=OUTPUTS, dynamic_axes=dyn,
                      opset_version=opset, do_constant_folding=True)
    # The tracer leaves some static output dims symbolic (e.g. decoder features after Gather):
    # pin every dim that is not batch/sequence. External data (if any) stays where torch wrote it.
    proto = onnx.load(tmp, load_external_data=False)
    for o in proto.graph.output:
        dims = o.type.tensor_type.shape.dim
        for ax in range(2 if o.name == 'last_hidden_state' else 1, len(dims)):
            dims[ax].ClearField('dim_param')
            dims[ax].dim_value = int(ref[o.name].shape[ax])
    onnx.save(proto, tmp)
    del proto
    onnx.checker.check_model(tmp)  # by path: works for graphs with external data
    os.replace(tmp, out)
    return {'out': out, 'modelType': model.config['model_type'], 'inputs': list(names), 'outputs': OUTPUTS,
            'parameters': sum(p.numel() for p in model.parameters()), 'opset': opset,
            'loadSeconds': load_s, 'seconds': time.perf_counter() - t0, 'bytes': os.path.getsize(out),
            'maxRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('dir', help='checkpoint folder (config.json + model.safetensors or its sharded index)')
    ap.add_argument('--out', help='graph path (default: DIR/onnx/model.onnx)')
    ap.add_argument('--opset', type=int, default=14)
    ap.add_argument('--force', action='store_true', help='overwrite an existing graph')
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0 = torch default)')
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    out = a.out or os.path.join(a.dir, 'onnx', 'model.onnx')
    if os.path.exists(out) and not a.force:
        sys.exit(f'export-onnx: {out} exists (pass --force to overwrite)')
    try:
        print(json.dumps(export(a.dir, out, a.opset)))
    except CheckpointError as e:
        sys.exit(f'export-onnx: {e}')


if __name__ == '__main__':
    main()
