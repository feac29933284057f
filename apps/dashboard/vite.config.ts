import { defineConfig } from 'vite';

/**
 * Builds the dashboard into dist/, which `dualxda serve` serves. JSX goes through Vite's built-in
 * oxc transform (automatic runtime), so no framework plugin is needed; no dev-server HMR either.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:4173' } },
});
