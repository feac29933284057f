import nx from '@nx/eslint-plugin';

/**
 * Dependency direction (DEVELOPERS.md): core <- solver, xda, llm-adapter <- cli; the dashboard only
 * takes universal/browser code. Enforced here from tags in each package.json#nx.tags.
 */
export const depConstraints = [
  { sourceTag: 'layer:core', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'layer:algo', onlyDependOnLibsWithTags: ['layer:core'] },
  { sourceTag: 'layer:adapter', onlyDependOnLibsWithTags: ['layer:core', 'layer:algo'] },
  { sourceTag: 'layer:app', onlyDependOnLibsWithTags: ['layer:core', 'layer:algo', 'layer:adapter'] },
  { sourceTag: 'layer:tools', onlyDependOnLibsWithTags: ['layer:core', 'layer:algo', 'layer:adapter', 'layer:app'] },
  { sourceTag: 'platform:browser', onlyDependOnLibsWithTags: ['platform:universal', 'platform:browser'] },
  { sourceTag: 'platform:universal', onlyDependOnLibsWithTags: ['platform:universal'] },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/vite.config.*.timestamp*', '**/vitest.config.*.timestamp*', '**/test-output', 'apps/dashboard/dist'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          // Per-project vitest configs share one root helper; that is config, not a package import.
          allow: ['../../vitest.shared.js', '../vitest.shared.js', '../../eslint.config.mjs', '../eslint.config.mjs'],
          banTransitiveDependencies: false,
          depConstraints,
        },
      ],
      // nx does not see deep imports through a package's exports map; forbid them by pattern.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@dualxda/*/src', '@dualxda/*/src/**', '@dualxda/*/dist', '@dualxda/*/dist/**'],
              message: 'Import a workspace package by its name (its curated src/index.ts), never its files.',
            },
          ],
        },
      ],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
