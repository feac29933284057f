import { EXIT_CODES, type ExitCode } from '../exit-codes.js';

/** What a Node system error (errno code) means to a user, its exit code and the fix. */
interface SystemErrorInfo {
  what: string;
  exitCode: ExitCode;
  hint: string;
}

const SYSTEM_ERRORS: Record<string, SystemErrorInfo> = {
  ENOENT: { what: 'no such file or directory', exitCode: EXIT_CODES.input, hint: 'check the path (relative paths start at the current directory)' },
  EISDIR: { what: 'is a directory, a file was expected', exitCode: EXIT_CODES.input, hint: 'give a file path, e.g. DIR/out.html' },
  ENOTDIR: { what: 'a part of the path is not a directory', exitCode: EXIT_CODES.input, hint: 'check the path' },
  EACCES: { what: 'permission denied', exitCode: EXIT_CODES.input, hint: 'check the file permissions, or choose a path you can write' },
  EPERM: { what: 'operation not permitted', exitCode: EXIT_CODES.input, hint: 'check the file permissions and ownership, or choose another path' },
  EROFS: { what: 'read-only file system', exitCode: EXIT_CODES.input, hint: 'choose a writable location' },
  ENOSPC: { what: 'no space left on the device', exitCode: EXIT_CODES.failure, hint: 'free space (finished chunks are kept; rerun the same command to resume)' },
  EDQUOT: { what: 'disk quota exceeded', exitCode: EXIT_CODES.failure, hint: 'free space or raise the quota, then rerun the same command to resume' },
  EMFILE: { what: 'too many open files', exitCode: EXIT_CODES.failure, hint: 'raise the limit (ulimit -n) and rerun' },
  EADDRINUSE: { what: 'address already in use', exitCode: EXIT_CODES.failure, hint: 'another server holds that port: pick another --port, or --port 0 for a free one' },
  EADDRNOTAVAIL: { what: 'address not available on this machine', exitCode: EXIT_CODES.input, hint: 'give --host an address of this machine (127.0.0.1, 0.0.0.0 or one of its interfaces)' },
  ENOTFOUND: { what: 'host name not found', exitCode: EXIT_CODES.input, hint: 'check the host name (DNS), or give an IP address' },
  ECONNREFUSED: { what: 'connection refused', exitCode: EXIT_CODES.input, hint: 'is the server running and listening on that port?' },
};

/**
 * One line for a Node system error (`EISDIR: illegal operation on a directory, open 'x'`): the
 * path or address it concerns, what the code means, and a fix. Undefined for other errors.
 */
export function describeSystemError(err: unknown): { message: string; exitCode: ExitCode; hint: string } | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string; dest?: string };
  const info = e.code === undefined ? undefined : SYSTEM_ERRORS[e.code];
  if (info === undefined) return undefined;
  // A failed rename (temp file -> target) is about the target the user named.
  const subject = e.dest ?? e.path ?? e.hostname ?? (e.address === undefined ? undefined : `${e.address}${e.port === undefined ? '' : `:${e.port}`}`);
  return { message: `${subject === undefined ? '' : `${subject}: `}${info.what} (${e.code})`, exitCode: info.exitCode, hint: info.hint };
}
