import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../../errors.js';

/**
 * Makes sure the dashboard's static build exists before serving. In a checkout (`npm ci && npm
 * start`) nothing has built apps/dashboard yet, so `serve` runs `vite build` once (about 10 s)
 * instead of serving an empty page; an installed dualxda ships the build and skips this.
 */
export async function ensureDashboardBuilt(assetsDir: string, print: (line: string) => void): Promise<void> {
  if (existsSync(join(assetsDir, 'index.html'))) return;
  const appDir = dirname(assetsDir);
  const vite = findVite(appDir);
  if (!existsSync(join(appDir, 'vite.config.ts')) || vite === undefined) {
    throw new InputError(
      assetsDir,
      'the dashboard is not built (no index.html) and no Vite toolchain was found to build it',
      'build it with `npx nx run @dualxda/dashboard:build`, or point DUALXDA_DASHBOARD_DIST at a built copy',
    );
  }
  print(`building the dashboard once (vite build in ${appDir}) ...`);
  const code = await new Promise<number>((resolveCode, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: appDir, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (c) => resolveCode(c ?? 1));
  });
  if (code !== 0 || !existsSync(join(assetsDir, 'index.html'))) {
    throw new InputError(assetsDir, `building the dashboard failed (vite exited with ${code})`, 'run `npx nx run @dualxda/dashboard:build` to see the error');
  }
}

/** Vite's CLI entry from the nearest node_modules above the app. */
function findVite(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', 'vite', 'bin', 'vite.js');
    if (existsSync(bin)) return bin;
    if (dirname(dir) === dir) return undefined;
  }
}
