import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { runCli } from '../src/cli.js';

/** Result of one in-process CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `dualxda argv...` in-process (no TTY: no progress bars) with `cwd`. */
export async function run(argv: string[], cwd: string, signal = new AbortController().signal): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd, signal });
  return { code, stdout, stderr };
}

/** Writes a little-endian .npy file (format 1.0) with dtype '<f4', '<f8' or '<i8'. */
export async function writeNpy(path: string, descr: '<f4' | '<f8' | '<i8', shape: number[], values: ArrayLike<number>): Promise<void> {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const pre = new Uint8Array(10);
  pre.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(pre.buffer).setUint16(8, header.length, true);
  const body = descr === '<f4' ? new Float32Array(Array.from(values)) : descr === '<f8' ? new Float64Array(Array.from(values)) : BigInt64Array.from(Array.from(values), (v) => BigInt(v));
  await writeFile(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(body.buffer)]));
}

/** Every file under `root` as relative path -> bytes, in path order. */
export async function snapshot(root: string): Promise<Map<string, Buffer>> {
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  files.sort();
  const out = new Map<string, Buffer>();
  for (const f of files) out.set(relative(root, f), await readFile(f));
  return out;
}
