import { defineConfig } from 'vitest/config';

/**
 * Shared by every workspace (each package's vitest.config.ts re-exports it). Integration
 * tests talk to real PostgreSQL and Redis, so they get room for a slow shared machine;
 * speed is measured by the benchmarks, never by timeouts here.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    exclude: ['**/node_modules/**', '**/dist/**', '**/.local/**'],
  },
});
