/** Options of `startDashboardServer`: one interface, one resolver, one defaults object. */
import { InvalidOptionError } from '@dualxda/core';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allowHostProblem } from './host-check.js';
import type { XdaFactory } from './open-data.js';
import type { DashboardData } from './types.js';

/**
 * Options of `startDashboardServer`. Defaults: `DEFAULT_SERVE_OPTIONS`.
 */
export interface ServeOptions {
  /** Already opened data (tests, benches, embedding); otherwise the server opens `store`. */
  data?: DashboardData;
  /** Training store directory (the `dualxda serve STORE` positional). */
  store?: string;
  /** Test store directory. @default `testStore` of `<store>/dualxda-run.json` */
  test?: string;
  /** Model checkpoint directory for XDA. @default `modelDir` of `<store>/dualxda-run.json` */
  model?: string;
  /** TCP port; 0 picks a free one. @default 4173 */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' (never exposed unless asked) */
  host?: string;
  /**
   * Extra names the Host header may carry (`NAME`: any port, `NAME:PORT`), on top of the bound
   * address, loopback names and, for a wildcard bind, the machine's hostname and addresses. @default []
   */
  allowHosts?: readonly string[];
  /** Builds XDA heatmaps for `model`; without it (or a model dir) /api/xda answers 404. */
  xdaFactory?: XdaFactory;
  /** Built dashboard directory. @default the `dist/` of the @dualxda/dashboard workspace package */
  assetsDir?: string;
  /** Serve a test store of another checkpoint or class list than `store` (else refused). @default false */
  allowMismatch?: boolean;
  /** Where warnings go (e.g. an allowed mismatch). @default none */
  warn?: (line: string) => void;
  /**
   * Build the lazy caches (search indexes, sort orders, the overview) in the background right after
   * start, so the first user request does not pay for them (serve/warm-up.ts). @default true
   */
  warmUp?: boolean;
}

/** Options after validation. */
export interface ResolvedServeOptions {
  data: DashboardData | undefined;
  store: string | undefined;
  test: string | undefined;
  model: string | undefined;
  xdaFactory: XdaFactory | undefined;
  port: number;
  host: string;
  allowHosts: readonly string[];
  assetsDir: string;
  allowMismatch: boolean;
  warn: (line: string) => void;
  warmUp: boolean;
}

/** Documented defaults (a test checks they match the JSDoc). */
export const DEFAULT_SERVE_OPTIONS = { port: 4173, host: '127.0.0.1', allowHosts: [] as readonly string[], warmUp: true } as const;

/**
 * Where the dashboard build lands (`vite build` in apps/dashboard): `$DUALXDA_DASHBOARD_DIST`, else
 * found by walking up from this file to the workspace root. A file lookup, not an import: the CLI
 * may not depend on an app (lint-enforced), it only serves its built files.
 */
export function defaultAssetsDir(): string {
  const fromEnv = process.env['DUALXDA_DASHBOARD_DIST'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'apps', 'dashboard', 'package.json'))) return join(dir, 'apps', 'dashboard', 'dist');
    const up = dirname(dir);
    if (up === dir) return join(process.cwd(), 'apps', 'dashboard', 'dist');
    dir = up;
  }
}

/** Validates `options`, naming the offending option. */
export function resolveServeOptions(options: ServeOptions): ResolvedServeOptions {
  const port = options.port ?? DEFAULT_SERVE_OPTIONS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidOptionError('port', `must be an integer in [0, 65535], got ${port}`);
  const host = options.host ?? DEFAULT_SERVE_OPTIONS.host;
  if (host.trim() === '' || /[\s/]/.test(host)) throw new InvalidOptionError('host', `must be a host name or IP address, got '${host}'`);
  const allowHosts = options.allowHosts ?? DEFAULT_SERVE_OPTIONS.allowHosts;
  for (const name of allowHosts) {
    const problem = allowHostProblem(name);
    if (problem !== undefined) throw new InvalidOptionError('allowHosts', problem);
  }
  if (options.data === undefined && (options.store === undefined || options.store === '')) throw new InvalidOptionError('store', 'a training store directory is required');
  return { data: options.data, store: options.store, test: options.test, model: options.model, xdaFactory: options.xdaFactory, port, host, allowHosts, assetsDir: options.assetsDir ?? defaultAssetsDir(), allowMismatch: options.allowMismatch ?? false, warn: options.warn ?? (() => undefined), warmUp: options.warmUp ?? DEFAULT_SERVE_OPTIONS.warmUp };
}
