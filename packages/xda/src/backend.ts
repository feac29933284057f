import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from '@dualxda/core';

export type XdaBackend = 'cpu' | 'wasm' | 'auto';

/**
 * Selects the tfjs backend. `cpu` (default in Node) is pure JS; `wasm` loads
 * @tensorflow/tfjs-backend-wasm; `auto` uses @tensorflow/tfjs-node-gpu when it is installed
 * (loaded dynamically, never required) and falls back to `cpu`. Returns the active backend name.
 *
 * @example
 * await useXdaBackend('cpu');
 */
export async function useXdaBackend(name: XdaBackend = 'cpu'): Promise<string> {
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  } else if (name === 'auto') {
    // A variable specifier keeps bundlers and tsc from resolving the optional package.
    const optional = '@tensorflow/tfjs-node-gpu';
    try {
      await import(optional);
      if (await tf.setBackend('tensorflow')) return tf.getBackend();
    } catch {
      // not installed: fall through to cpu
    }
    name = 'cpu';
  } else if (name !== 'cpu') {
    throw new InvalidOptionError('backend', `expected "cpu", "wasm" or "auto", got ${JSON.stringify(name)}`);
  }
  if (!(await tf.setBackend(name))) throw new InvalidOptionError('backend', `tfjs could not initialise the ${name} backend`);
  await tf.ready();
  return tf.getBackend();
}
