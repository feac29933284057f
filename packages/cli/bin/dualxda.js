#!/usr/bin/env node
// Launcher of `dualxda`. Everything runs in this one process, never in a child: a kill -9 of what
// the user started (a scheduler cancelling a job, a test harness, `kill -9`) must leave nothing
// running. It imports the built dist/main.js when every workspace package's dist/ is newer than
// its sources (`npm ci` builds them: the root `prepare` script); otherwise (sources edited since,
// or installed with --ignore-scripts) it registers tsx's loader in this process and imports the
// TypeScript sources, with the @dualxda/source export condition so workspace packages resolve to
// their src/ too. DUALXDA_RUN_FROM=dist|source forces one or the other.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist', 'main.js');
const src = join(root, 'src', 'main.ts');

/** Newest mtime of the files under `dir` whose names pass `keep` (0 when there are none). */
function newestMtime(dir, keep) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, keep));
    else if (keep(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const isLibSource = (name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.bench.ts');
const isJs = (name) => name.endsWith('.js');

// dist/ is trusted only when, in every workspace package (dist/main.js imports the others' dist/
// too), the newest emitted .js is newer than the newest library source. Only .js counts: a type
// check (`tsc --emitDeclarationOnly`) or a build that failed refreshes .d.ts and the tsbuildinfo
// but no .js. An installed package has no src/ and always runs dist/.
function distIsFresh() {
  if (!existsSync(dist)) return false;
  if (!existsSync(src)) return true;
  const packages = dirname(root);
  for (const name of readdirSync(packages)) {
    const srcDir = join(packages, name, 'src');
    if (!existsSync(srcDir)) continue;
    const distDir = join(packages, name, 'dist');
    if (!existsSync(distDir) || newestMtime(distDir, isJs) < newestMtime(srcDir, isLibSource)) return false;
  }
  return true;
}

/** Parent pid of `pid` from /proc (Linux), undefined where there is none. */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

// Under an npm script (`npm start`, `npm run`, `npx`) the chain is npm -> sh -c -> node. npm
// forwards SIGINT/SIGTERM, but a SIGKILL of npm would leave the shell and this process running to
// completion. So watch the parent and grandparent: when either is gone, stop the way npm's
// forwarded SIGTERM would have. Only under npm: elsewhere an orphaned dualxda (nohup, `&` in a
// script that exits) is what the user asked for.
function stopWithNpm() {
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  const timer = setInterval(() => {
    if (process.ppid !== parent || (grandparent !== undefined && parentOf(parent) !== grandparent)) {
      clearInterval(timer);
      process.kill(process.pid, 'SIGTERM');
    }
  }, 200);
  timer.unref();
}

if (process.env.npm_lifecycle_event !== undefined) stopWithNpm();

const mode = process.env.DUALXDA_RUN_FROM;
if (mode === 'dist' || (mode !== 'source' && distIsFresh())) {
  await import(pathToFileURL(dist).href);
} else {
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    process.stderr.write('dualxda: dist/ is not built and tsx is not installed.\nhint: run `npm ci` at the repository root (it builds dist/), or `npx nx run @dualxda/cli:build`\n');
    process.exit(1);
  }
  const { register } = await import('node:module');
  tsx.register();
  // Hooks run last-registered first: this one adds the condition, then tsx and Node resolve with it.
  const addSourceCondition = `export function resolve(specifier, context, next) {
    return next(specifier, context.conditions.includes('@dualxda/source') ? context : { ...context, conditions: [...context.conditions, '@dualxda/source'] });
  }`;
  register(`data:text/javascript,${encodeURIComponent(addSourceCondition)}`);
  await import(pathToFileURL(src).href);
}
