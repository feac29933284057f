import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDualxdaError } from '@dualxda/core';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, openModel, type ModelLoadError, type UnsupportedArchitectureError } from '../src/index.js';
import { checkpointDir, copyCheckpoint } from './assets.js';

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
}

describe('bad checkpoints and inputs', () => {
  // onnx/model.onnx is optional (test/no-onnx.test.ts).
  it.each(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'])('names the missing file %s', async (file) => {
    const dir = await copyCheckpoint('tiny-bert');
    await rm(join(dir, file));
    const err = await failure(loadCheckpoint(dir));
    expect(isDualxdaError(err, 'ModelLoadError')).toBe(true);
    expect((err as ModelLoadError).file).toBe(file);
    expect((err as Error).message).toContain(`${dir}/${file}: file is missing`);
    await rm(dir, { recursive: true });
  });

  it('lists the supported model types for an unknown model_type', async () => {
    const dir = await copyCheckpoint('tiny-bert');
    const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...cfg, model_type: 'gpt_neox' }));
    const err = await failure(loadCheckpoint(dir));
    expect(isDualxdaError(err, 'UnsupportedArchitectureError')).toBe(true);
    // Every registered family, sorted (other lines of the registry are added in parallel).
    const supported = (err as UnsupportedArchitectureError).supported;
    expect(supported).toEqual(expect.arrayContaining(['bert', 'distilbert', 'llama', 'roberta']));
    expect(supported).toEqual([...supported].sort());
    expect((err as Error).message).toBe(`unsupported model_type "gpt_neox"; supported: ${supported.join(', ')}`);
    await rm(dir, { recursive: true });
  });

  it('names a config field of the wrong type', async () => {
    const dir = await copyCheckpoint('tiny-llama');
    const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...cfg, hidden_size: '32' }));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/config\.json: field "hidden_size" must be a positive integer/);
    await rm(dir, { recursive: true });
  });

  it('detects a tokenizer vocabulary larger than the embedding matrix', async () => {
    const dir = await copyCheckpoint('tiny-bert');
    const tok = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
    tok.model.vocab['zzzextra'] = 1500;
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tok));
    const err = await failure(loadCheckpoint(dir));
    expect(isDualxdaError(err, 'VocabMismatchError')).toBe(true);
    expect((err as Error).message).toContain('tokenizer vocabulary has 1501 ids but the embedding matrix has 1024 rows');
    await rm(dir, { recursive: true });
  });

  it('rejects empty texts with their row index, truncates long ones and records it', async () => {
    const model = await openModel(checkpointDir('tiny-bert'));
    await expect(model.embed(['fine', ''])).rejects.toThrow('text at row 1 is empty');
    const long = 'word '.repeat(200);
    const r = await model.embed(['short text', long], { maxLength: 16 });
    expect(r.truncatedIndices).toEqual([1]);
    expect(Array.from(r.lengths)).toEqual([r.lengths[0], 16]);
    await expect(model.embed(['x'], { maxLength: 65 })).rejects.toThrow(/option maxLength: must be an integer in \[2, 64\]/);
    await model.release();
  });

  it('falls back to CPU with a warning when CUDA is requested but unavailable', async () => {
    const warnings: string[] = [];
    const model = await openModel(checkpointDir('tiny-bert'), { executionProvider: 'cuda', onWarning: (m) => warnings.push(m) });
    // On a machine with the CUDA provider installed, no warning is due; otherwise exactly one.
    expect(model.runner.executionProvider === 'cuda' ? warnings.length === 0 : warnings.length === 1 && (warnings[0] ?? '').includes('using CPU')).toBe(true);
    expect((await model.embed(['ok'])).rows).toBe(1);
    await model.release();
  });
});
