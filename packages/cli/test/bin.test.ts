import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/exit-codes.js';

const bin = fileURLToPath(new URL('../bin/dualxda.js', import.meta.url));

/** The real launcher (TypeScript sources through tsx, in the launcher's own process), exit code from main.ts. */
function dualxda(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DUALXDA_RUN_FROM: 'source' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/dualxda.js', () => {
  it('runs from the sources and exits with the documented codes', () => {
    const help = dualxda('fit', '--help');
    expect(help.stdout).toContain('Usage: dualxda fit STORE');
    expect(help.status).toBe(EXIT_CODES.ok);
    const missing = dualxda('inspect', '/nonexistent/store');
    expect(missing.stderr).toMatch(/^dualxda inspect: \/nonexistent\/store: STORE does not exist\nhint: /);
    expect(missing.status).toBe(EXIT_CODES.input);
    const usage = dualxda('fit', 'x', '--C', '0');
    expect(usage.stderr).toMatch(/--C must be > 0/);
    expect(usage.status).toBe(EXIT_CODES.usage);
  });
});
