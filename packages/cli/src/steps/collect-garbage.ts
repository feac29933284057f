/**
 * A full garbage collection on demand, for `fit`'s peak memory (issue 17). `fit` lets go of large
 * buffers at known points (the full-width read buffer once the zero columns are dropped, the rows
 * once the last step that reads them is done), but V8 returns an unreferenced ArrayBuffer's memory
 * only at its next full collection, and the solve allocates so little on the JavaScript heap that
 * none may come for seconds: the dead buffer then counts in the peak RSS. Measured on the 60,000 x
 * 128 bench: the 31 MiB read buffer stayed resident through the whole solve.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * Runs a full collection (a few ms on `fit`'s heap). `--expose-gc` set at run time reaches only
 * contexts created afterwards, so `gc` is taken from a fresh vm context and this process's own
 * global scope stays as it was; where that fails this does nothing.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const f: unknown = runInNewContext('gc');
      gc = typeof f === 'function' ? (f as () => void) : null;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
