import { basename } from 'node:path';
import type { UserWorkspaceConfig } from 'vitest/config';

/**
 * One place for the per-project Vitest settings, so every project resolves workspace packages
 * to their TypeScript sources (the `@dualxda/source` export condition) instead of `dist/`.
 */
export function sharedProjectConfig(root: string): UserWorkspaceConfig {
  const conditions = ['@dualxda/source', 'module', 'node', 'import', 'default'];
  return {
    root,
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@dualxda/source'] } },
    test: {
      name: basename(root),
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      reporters: ['default'],
      pool: 'forks',
    },
  };
}
