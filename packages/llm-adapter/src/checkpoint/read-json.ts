import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelLoadError } from '../errors.js';

/**
 * Reads one file of a checkpoint folder, turning ENOENT and parse failures into a
 * `ModelLoadError` that names the folder and the file.
 */
export async function readCheckpointFile(dir: string, file: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, file));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'file is missing' : `cannot be read (${code ?? String(cause)})`;
    throw new ModelLoadError(dir, file, what, { cause });
  }
}

/** Reads and parses a JSON object from a checkpoint folder. */
export async function readCheckpointJson(dir: string, file: string): Promise<Record<string, unknown>> {
  const buf = await readCheckpointFile(dir, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8'));
  } catch (cause) {
    throw new ModelLoadError(dir, file, `is not valid JSON (${String(cause)})`, { cause });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ModelLoadError(dir, file, 'must hold a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** A positive integer field of `config.json`, or a `ModelLoadError` naming the field. */
export function configInt(dir: string, config: Record<string, unknown>, field: string): number {
  const v = config[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ModelLoadError(dir, 'config.json', `field "${field}" must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}
