import type { AnyCommandSpec } from '../command-spec.js';
import { cacheFinalizeCommand } from './cache-finalize/spec.js';
import { cacheImportCommand } from './cache-import/spec.js';
import { cacheCommand } from './cache/spec.js';
import { demoCommand } from './demo/spec.js';
import { evalCommand } from './eval/spec.js';
import { explainCommand } from './explain/spec.js';
import { fitCommand } from './fit/spec.js';
import { inspectCommand } from './inspect/spec.js';
import { serveCommand } from './serve/spec.js';
import { xdaCommand } from './xda/spec.js';

/** Every command, in help order. Specs are light; implementations load on first use. */
export const COMMANDS: readonly AnyCommandSpec[] = [
  demoCommand,
  cacheCommand,
  cacheFinalizeCommand,
  cacheImportCommand,
  fitCommand,
  explainCommand,
  xdaCommand,
  evalCommand,
  inspectCommand,
  serveCommand,
];
