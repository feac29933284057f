/**
 * Process entry of `dualxda`: wires process streams, Ctrl-C and the exit code to `runCli`. The only
 * file that calls `process.exit` (convention 10).
 */
import { runCli } from './cli.js';
import { EXIT_CODES } from './exit-codes.js';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  if (interrupts === 1) {
    // First Ctrl-C: let the running step stop at its next checkpoint so the state stays resumable.
    process.stderr.write('\ninterrupt: stopping at the next checkpoint (press Ctrl-C again to quit now)\n');
    controller.abort();
    return;
  }
  process.exit(EXIT_CODES.interrupted);
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  signal: controller.signal,
  env: process.env,
  version: process.env['npm_package_version'] ?? '0.1.0',
});
// Flush stdout before exiting: process.exit does not wait for piped writes.
process.stdout.write('', () => process.exit(code));
