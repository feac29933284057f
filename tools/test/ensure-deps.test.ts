import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', 'system', 'ensure-deps.sh');

describe("npm test's pretest (tools/system/ensure-deps.sh)", () => {
  it('passes on this machine (CI installs what it needs through it)', () => {
    const r = spawnSync('bash', [SCRIPT], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('without the tools and without apt-get, stops at once with the one command to run', () => {
    // A PATH holding only `id`: every command-line tool looks missing and apt-get is not there.
    const bin = mkdtempSync(join(tmpdir(), 'dualxda-deps-'));
    try {
      symlinkSync('/usr/bin/id', join(bin, 'id'));
      const r = spawnSync('/bin/bash', [SCRIPT], { encoding: 'utf8', env: { PATH: bin } });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^npm test needs Debian packages that are not installed: .*liblinear-tools.*slurmctld/m);
      expect(r.stderr).toMatch(/^run: sudo apt-get install -y --no-install-recommends .*liblinear-tools/m);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
