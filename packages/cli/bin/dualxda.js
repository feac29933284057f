#!/usr/bin/env node
// Launcher of `dualxda`. Runs the built dist/main.js when it is there and newer than the sources;
// otherwise (a fresh checkout, `npm start`) re-runs node on the TypeScript sources through tsx,
// with the @dualxda/source export condition so workspace packages resolve to their src/ too.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist', 'main.js');
const src = join(root, 'src', 'main.ts');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

// In a checkout, dist/ is trusted only when it is newer than every workspace package's sources
// (dist/main.js imports the other packages' dist/ too); an installed package has no src/.
function newestSource() {
  const packages = join(root, '..');
  let newest = newestMtime(join(root, 'src'));
  for (const name of readdirSync(packages)) {
    const dir = join(packages, name, 'src');
    if (name !== 'cli' && existsSync(dir)) newest = Math.max(newest, newestMtime(dir));
  }
  return newest;
}

const mode = process.env.DUALXDA_RUN_FROM;
const hasSrc = existsSync(src);
const distFresh = existsSync(dist) && (!hasSrc || statSync(dist).mtimeMs >= newestSource());
if (mode === 'dist' || (mode !== 'source' && distFresh)) {
  await import(pathToFileURL(dist).href);
} else if (process.env.DUALXDA_SOURCE_CHILD === '1') {
  process.stderr.write('dualxda: internal error: source re-exec loop\n');
  process.exit(1);
} else {
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    process.stderr.write('dualxda: dist/ is not built and tsx is not installed.\nhint: run `npm install` at the repository root, or `npx nx run @dualxda/cli:build`\n');
    process.exit(1);
  }
  const child = spawn(process.execPath, ['--conditions=@dualxda/source', '--import', tsx, src, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, DUALXDA_SOURCE_CHILD: '1' },
  });
  // Ctrl-C reaches the child too (same process group); it decides how to stop, we only wait.
  process.on('SIGINT', () => undefined);
  // A plain `kill PID` (a scheduler, a test harness) reaches only this launcher: pass it on, so no
  // orphaned server or half-written job is left behind. SIGINT is not forwarded, because a
  // terminal's Ctrl-C already reaches the whole process group and a second one would mean "force".
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('error', (err) => {
    process.stderr.write(`dualxda: cannot start node: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
}
