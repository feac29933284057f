import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * A scheduler cancelling a job, a test harness or a user sends SIGKILL to the process it started;
 * nothing dualxda started may keep running after that (issue 16, item 7). Each case starts a long
 * command (`demo`, minutes of work) writing under a unique temporary folder, kills what was
 * started once the work has begun, and scans /proc for any process still naming that folder.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(ROOT, 'packages/cli/bin/dualxda.js');
const distBuilt = existsSync(join(ROOT, 'packages/cli/dist/main.js'));
const scratch: string[] = [];

afterEach(() => {
  for (const dir of scratch.splice(0)) {
    for (const pid of processesNaming(dir)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Pids of the live processes whose command line contains `text` (Linux /proc). */
function processesNaming(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) pids.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Waits until `out` exists (the command has reached its work); fails if the process ends first. */
async function waitForWork(child: ChildProcess, out: string, stderr: () => string): Promise<void> {
  for (let waited = 0; !existsSync(out); waited += 100) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) throw new Error(`exited early (${child.exitCode ?? child.signalCode}): ${stderr()}`);
    if (waited > 90_000) throw new Error(`never started: ${stderr()}`);
    await sleep(100);
  }
}

/** Starts `command args` (the demo writes into DIR/out), SIGKILLs it at work, returns what is left after a grace period. */
async function killAtWork(command: string, args: (out: string) => string[], env: Record<string, string>): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dualxda-orphans-'));
  scratch.push(dir);
  const out = join(dir, 'out');
  const child = spawn(command, args(out), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  child.on('error', (err) => (stderr += `cannot start ${command}: ${err.message}`));
  await waitForWork(child, out, () => stderr);
  expect(processesNaming(dir).length).toBeGreaterThan(0);
  child.kill('SIGKILL');
  // Whatever is left must go within a few seconds (npm's orphans notice within 0.2 s; a loaded CI machine is slow).
  for (let waited = 0; waited < 10_000 && processesNaming(dir).length > 0; waited += 200) await sleep(200);
  return processesNaming(dir);
}

// Linux only (/proc); CI and the supported platform are Linux.
describe('bin/dualxda.js leaves no process behind a SIGKILL', () => {
  it('from the TypeScript sources: kill -9 of the launcher stops the work', { timeout: 120_000 }, async () => {
    const left = await killAtWork(process.execPath, (out) => [bin, 'demo', '--out', out, '--quiet'], { DUALXDA_RUN_FROM: 'source' });
    expect(left).toEqual([]);
  });

  // dist/ is built by `npm ci` (the root `prepare` script); a checkout installed with --ignore-scripts has none.
  it('from dist/: kill -9 of the launcher stops the work', { timeout: 120_000 }, async () => {
    expect(distBuilt, 'packages/cli/dist/main.js is missing: run `npm ci` (its prepare script builds dist/) or `npm run prepare`').toBe(true);
    const left = await killAtWork(process.execPath, (out) => [bin, 'demo', '--out', out, '--quiet'], { DUALXDA_RUN_FROM: 'dist' });
    expect(left).toEqual([]);
  });

  it('under `npm start`: kill -9 of npm stops its shell and the demo', { timeout: 120_000 }, async () => {
    const left = await killAtWork('npm', (out) => ['start', '--', '--out', out, '--quiet'], { DUALXDA_RUN_FROM: 'source' });
    expect(left).toEqual([]);
  });
});
