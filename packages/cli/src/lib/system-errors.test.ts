import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DualDAModelIoError, DualxdaError } from '@dualxda/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInteger } from '../cli-options.js';
import { INPUT_TAGS, reportError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { writeFileAtomic } from './atomic-write.js';

let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'dualxda-syserr-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

function listen(port: number, host: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, host, () => resolve(s));
  });
}

describe('system errors follow the error contract', () => {
  it('EISDIR names the path, exits 3 with a hint, and the atomic write leaves no temp file', async () => {
    const err = await thrown(writeFileAtomic(dir, 'x'));
    const r = reportError(err, 'xda', false);
    expect(r.exitCode).toBe(EXIT_CODES.input);
    expect(r.lines).toEqual([`dualxda xda: ${dir}: is a directory, a file was expected (EISDIR)`, 'hint: give a file path, e.g. DIR/out.html']);
    expect((await readdir(join(dir, '..'))).filter((n) => n.startsWith(`${dir.split('/').pop()}.`))).toEqual([]);
  });

  it('ENOENT and EACCES-like errors name the path; EADDRINUSE names the address with a --port hint', async () => {
    const missing = reportError(await thrown(writeFile(join(dir, 'no', 'such', 'file'), 'x')), 'fit', false);
    expect(missing).toMatchObject({ exitCode: EXIT_CODES.input, lines: [expect.stringMatching(/no\/such\/file: no such file or directory \(ENOENT\)$/), expect.stringMatching(/^hint: /)] });
    const server = (await listen(0, '127.0.0.1')) as { address(): { port: number }; close(): void };
    const port = server.address().port;
    const busy = reportError(await thrown(listen(port, '127.0.0.1')), 'serve', false);
    server.close();
    expect(busy.exitCode).toBe(EXIT_CODES.failure);
    expect(busy.lines[0]).toMatch(new RegExp(`^dualxda serve: 127\\.0\\.0\\.1:${port}: address already in use \\(EADDRINUSE\\)$`));
    expect(busy.lines[1]).toMatch(/--port 0 for a free one/);
    const unknown = reportError(new Error('boom'), 'fit', false);
    expect(unknown.lines[0]).toBe('dualxda fit: unexpected error: boom');
  });
});

describe('hints fit the error', () => {
  it('a model from a newer dualxda is not told to "fit a model first"; a damaged one is told to refit', () => {
    const newer = reportError(new DualDAModelIoError('/s/dualda', 'schemaVersion 3 is newer than supported (2): upgrade dualxda'), 'explain', false);
    expect(newer.lines[1]).toMatch(/^hint: this model was saved by a newer dualxda: upgrade/);
    const damaged = reportError(new DualDAModelIoError('/s/dualda/sv_alpha/c/0/0', 'chunk fails its sha256 checksum (corrupted)'), 'explain', false);
    expect(damaged.lines[1]).toMatch(/^hint: the saved model is damaged: refit/);
    const missing = reportError(new DualDAModelIoError('/s/dualda', 'no DualDA model here (missing zarr.json); fit one first'), 'explain', false);
    expect(missing.lines[1]).toMatch(/^hint: fit a model first/);
  });

  it('an integer flag given a word suggests an integer, not 0.001', () => {
    let hint = '';
    try {
      parseInteger('eighty', '--port', 0);
    } catch (err) {
      hint = (err as { hint?: string }).hint ?? '';
    }
    expect(hint).toBe('e.g. --port 8');
  });
});

describe('the error contract for every library error tag', () => {
  it.each([...INPUT_TAGS, 'InvalidOptionError', 'SomeFutureError'])('%s: one line naming the command, one hint line, no stack', (tag) => {
    const r = reportError(new DualxdaError(tag, '/data/x: something is wrong'), 'fit', false);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toBe(`dualxda fit: /data/x: something is wrong (${tag})`);
    expect(r.lines[1]).toMatch(/^hint: \S/);
    expect(r.exitCode).toBe(tag === 'InvalidOptionError' ? EXIT_CODES.usage : INPUT_TAGS.has(tag) ? EXIT_CODES.input : EXIT_CODES.failure);
  });
});
