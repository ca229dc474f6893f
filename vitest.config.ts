import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `npm test`: everything under tests/ but the full fault harness (tests/faults-full, minutes long,
 * `npm run faults`); its short form tests/faults/outage-and-drain.test.ts runs here.
 */
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'tests/faults-full/**'],
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
