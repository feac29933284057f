import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** A running `dualxda serve`. */
export interface ServeProcess {
  url: string;
  pid: number;
  /** SIGINT to its process group, SIGKILL 3 s later if it is still there. */
  stop: () => void;
  /** From spawn to the URL on stdout. */
  seconds: number;
}

/**
 * Starts `dualxda serve STORE --port 0` in its own process group (so stopping reaches it and
 * nothing else) and resolves with its URL once it prints it; rejects with its stderr if it exits.
 */
export function startServe(store: string, env: NodeJS.ProcessEnv = process.env): Promise<ServeProcess> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../packages/cli/bin/dualxda.js'), 'serve', store, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
  const stop = (): void => {
    const pid = child.pid;
    if (pid === undefined || child.exitCode !== null) return;
    process.kill(-pid, 'SIGINT');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-pid, 'SIGKILL');
    }, 3000).unref();
  };
  let out = '';
  let err = '';
  return new Promise((resolveStart, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /(http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) resolveStart({ url: m[1].replace(/\/?$/, '/'), pid: child.pid ?? -1, stop, seconds: (performance.now() - t0) / 1000 });
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => reject(new Error(`dualxda serve exited with ${code}: ${err.slice(-2000)}`)));
  });
}
