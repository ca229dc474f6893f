import { defineConfig } from 'vitest/config';

/** `npm run faults`: the full fault harness (tests/faults-full), real processes, minutes long. */
export default defineConfig({
  test: {
    include: ['tests/faults-full/**/*.test.ts'],
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
