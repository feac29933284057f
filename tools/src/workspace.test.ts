import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** Allowed internal dependencies per project: DEVELOPERS.md's direction core <- algo/adapter <- cli. */
const ALLOWED: Record<string, string[]> = {
  '@dualxda/core': [],
  '@dualxda/solver': ['@dualxda/core'],
  '@dualxda/xda': ['@dualxda/core'],
  '@dualxda/llm-adapter': ['@dualxda/core', '@dualxda/xda'],
  '@dualxda/cli': ['@dualxda/core', '@dualxda/solver', '@dualxda/xda', '@dualxda/llm-adapter'],
  '@dualxda/dashboard': ['@dualxda/core'],
  '@dualxda/tools': ['@dualxda/core', '@dualxda/solver', '@dualxda/xda', '@dualxda/llm-adapter', '@dualxda/cli'],
};

async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('workspace boundaries', () => {
  it('nx graph shows only the allowed dependency direction', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dualxda-graph-')), 'graph.json');
    execFileSync(join(root, 'node_modules/.bin/nx'), ['graph', `--file=${out}`], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'pipe',
    });
    const graph = JSON.parse(readFileSync(out, 'utf8')) as {
      graph: { dependencies: Record<string, { target: string }[]> };
    };
    const deps = graph.graph.dependencies;
    for (const project of Object.keys(ALLOWED)) expect(deps[project], project).toBeDefined();
    for (const [source, edges] of Object.entries(deps)) {
      const internal = edges.map((e) => e.target).filter((t) => t.startsWith('@dualxda/'));
      for (const target of internal) expect(ALLOWED[source] ?? [], `${source} -> ${target}`).toContain(target);
    }
  });

  it('lint rejects a relative import that reaches into another package', async () => {
    const messages = await lintAs('packages/solver/src/deep-import-probe.ts', "import { createTensor } from '../../core/src/tensor.js';\nexport const t = createTensor;\n");
    expect(messages.some((m) => m.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('lint rejects a deep import of another package by name', async () => {
    const messages = await lintAs('packages/solver/src/deep-import-probe.ts', "import { createTensor } from '@dualxda/core/src/tensor.js';\nexport const t = createTensor;\n");
    expect(messages.some((m) => m.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
  });

  it('lint rejects an import against the dependency direction', async () => {
    const messages = await lintAs('packages/core/src/direction-probe.ts', "import * as solver from '@dualxda/solver';\nexport const s = solver;\n");
    expect(messages.some((m) => m.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('lint accepts the same import in the allowed direction', async () => {
    const messages = await lintAs('packages/solver/src/direction-probe.ts', "import { createTensor } from '@dualxda/core';\nexport const t = createTensor;\n");
    expect(messages.filter((m) => m.startsWith('@nx/enforce-module-boundaries'))).toEqual([]);
  });
});
