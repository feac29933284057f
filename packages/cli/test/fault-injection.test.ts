import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedCorpusDir, embeddedModelDir } from '../src/lib/assets.js';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run, snapshot } from './helpers.js';

/**
 * Fault injection, table-driven: every array of a fitted train store, its test store and its
 * model is flipped, truncated or deleted, and each command that reads it must fail by the error
 * contract (docs/cli.md): exit 3, one line `dualxda <cmd>: ...` naming the damaged file, one
 * `hint:` line, no stack, and nothing changed or left behind in the stores.
 */
let base: string;
let scratch: string;
let n = 0;

type Damage = 'flip' | 'truncate' | 'delete';
const DAMAGES: Damage[] = ['flip', 'truncate', 'delete'];

async function damage(file: string, how: Damage): Promise<void> {
  if (how === 'delete') return rm(file);
  const bytes = await readFile(file);
  if (how === 'truncate') return truncate(file, Math.floor(bytes.length / 2));
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] as number) ^ 0x55;
  await writeFile(file, bytes);
}

const COMMANDS = {
  inspect: ['inspect', 'train'],
  fit: ['fit', 'train', '--C', '0.1', '-q'],
  fitBlock: ['fit', 'train', '--C', '0.1', '--mode', 'block', '-q'],
  fitThreads: ['fit', 'train', '--C', '0.1', '--threads', '2', '-q'],
  explain: ['explain', 'train', '--test', 'test', '-q'],
  eval: ['eval', 'train', '--metric', 'accuracy', '--test', 'test', '-q'],
  finalize: ['cache', 'finalize', 'train', '-q'],
} as const;
type Command = keyof typeof COMMANDS;

/** Store arrays: the chunk file, the commands that read it, and what the first line must name. */
const STORE_FILES: [string, Command[]][] = [
  ['train/features/c/1/0', ['fit', 'fitBlock', 'fitThreads', 'finalize']],
  ['train/labels/c/1', ['fit', 'fitBlock', 'fitThreads', 'inspect', 'explain', 'finalize']],
  ['train/ids/c/1', ['fit', 'finalize']],
  ['train/norms/c/1', ['fit', 'finalize']],
  ['train/texts/c/1', ['explain', 'finalize']],
  ['train/logits/c/1/0', ['finalize']],
  ['test/features/c/0/0', ['explain', 'eval']],
  ['test/labels/c/0', ['explain', 'eval']],
  ['test/ids/c/0', ['explain', 'eval']],
  ['test/norms/c/0', ['explain', 'eval']],
  ['test/texts/c/0', ['explain', 'eval']],
  ['test/logits/c/0/0', ['explain', 'eval']],
];
const MODEL_ARRAYS = ['sv_indices/c/0', 'sv_ids/c/0', 'sv_alpha/c/0/0', 'sv_features/c/0/0', 'sv_norms/c/0', 'weights/c/0/0', 'bias/c/0'];

interface Case {
  file: string;
  how: Damage;
  command: Command;
  message: RegExp;
}

function storeMessage(file: string, how: Damage, command: Command): RegExp {
  if (command === 'finalize') return /train: cannot finalize, rows missing or invalid: \[32, 60\)/;
  const [, array, ...rest] = file.split('/');
  const key = [array, ...rest].join('/').replace(/\//g, '\\/');
  const problem = how === 'delete' ? 'is missing' : how === 'truncate' ? 'is truncated' : 'fails its checksum \\(corrupted\\)';
  return new RegExp(`chunk \\d+ of array '${array}' \\(${key}\\) ${problem}`);
}

function modelMessage(array: string, how: Damage): RegExp {
  const file = `train/dualda/${array}`.replace(/\//g, '\\/');
  const problem = how === 'delete' ? 'chunk file is missing' : how === 'truncate' ? 'chunk is \\d+ bytes, its checksum record says \\d+' : 'chunk fails its sha256 checksum';
  return new RegExp(`${file}: ${problem}`);
}

const CASES: Case[] = [
  ...STORE_FILES.flatMap(([file, commands]) => DAMAGES.flatMap((how) => commands.map((command) => ({ file, how, command, message: storeMessage(file, how, command) })))),
  ...MODEL_ARRAYS.flatMap((array) => DAMAGES.flatMap((how) => (['inspect', 'explain', 'eval'] as const).map((command) => ({ file: `train/dualda/${array}`, how, command, message: modelMessage(array, how) })))),
  ...(['train', 'test'] as const).flatMap((store) =>
    (['truncate', 'delete'] as const).flatMap((how) =>
      (store === 'train' ? (['inspect', 'fit', 'explain', 'eval'] as const) : (['explain', 'eval'] as const)).map((command) => ({
        file: `${store}/zarr.json`,
        how,
        command,
        message: how === 'truncate' ? new RegExp(`${store}: zarr.json is not valid JSON`) : new RegExp(`${store}: (test store|STORE) is not a finalized feature store \\(no zarr.json\\)`),
      })),
    ),
  ),
  ...(['truncate', 'delete'] as const).flatMap((how) =>
    (['inspect', 'explain', 'eval'] as const).map((command) => ({
      file: 'train/dualda/zarr.json',
      how,
      command,
      message: how === 'truncate' ? /train\/dualda: zarr.json is not valid JSON/ : /train\/dualda: no DualDA model here/,
    })),
  ),
  ...(['train', 'test'] as const).flatMap((store) =>
    (['truncate', 'delete'] as const).map((how) => ({
      file: `${store}/checksums/0.json`,
      how,
      command: store === 'train' ? ('fit' as const) : ('explain' as const),
      message: /chunk 0 of array 'checksums' \(checksums\/0\.json\) is missing: no checksum sidecar/,
    })),
  ),
];

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'dualxda-faults-'));
  scratch = await mkdtemp(join(tmpdir(), 'dualxda-faults-case-'));
  const lines = (await readFile(join(embeddedCorpusDir(), 'train.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const rows = (from: number, count: number) => lines.slice(from, from + count).map((l, i) => JSON.stringify({ ...(JSON.parse(l) as object), label: i % 3 })).join('\n');
  await writeFile(join(base, 'train.jsonl'), rows(0, 60));
  await writeFile(join(base, 'test.jsonl'), rows(100, 10));
  const model = embeddedModelDir('tiny-bert');
  for (const argv of [
    ['cache', '--model', model, '--data', 'train.jsonl', '--out', 'train', '--chunk-rows', '32', '-q'],
    ['cache', '--model', model, '--data', 'test.jsonl', '--out', 'test', '-q'],
    ['fit', 'train', '--C', '0.1', '-q'],
  ]) {
    const r = await run(argv, base);
    expect(r.code, r.stderr).toBe(0);
  }
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

describe(`fault injection: ${CASES.length} damaged files x commands`, () => {
  it('has at least 100 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
  });

  it.each(CASES.map((c) => [`${c.file} ${c.how} -> ${c.command}`, c] as const))('%s', async (_, c) => {
    const dir = join(scratch, String(n++));
    await cp(base, dir, { recursive: true, verbatimSymlinks: true });
    await damage(join(dir, c.file), c.how);
    const before = await snapshot(dir);
    const r = await run([...COMMANDS[c.command]], dir);
    expect(r.code, r.stderr).toBe(EXIT_CODES.input);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    const name = c.command === 'finalize' ? 'cache finalize' : c.command.startsWith('fit') ? 'fit' : c.command;
    expect(lines, r.stderr).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^dualxda ${name}: `));
    expect(lines[0]).toMatch(c.message);
    expect(lines[1]).toMatch(/^hint: \S/);
    // Nothing lost and nothing left behind: the stores are exactly as the damage left them.
    const after = await snapshot(dir);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [k, v] of before) expect(after.get(k)?.equals(v), k).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});
