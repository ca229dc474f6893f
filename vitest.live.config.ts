import { defineConfig } from 'vitest/config';

/**
 * `npm run test:live`: the live telephony suite only (tests/telephony/live*.test.ts) against the
 * real stack of ../shared/live-stack (drachtio-server, FreeSWITCH with config/freeswitch, SIPp).
 * The script sets PACER_LIVE_REQUIRED=1, so a missing stack fails instead of skipping. The same
 * global setup as `npm test` (a fresh PostgreSQL database) serves the files that run the engine on
 * the real stack. One file at a time: they share one FreeSWITCH and assert it holds 0 channels
 * afterwards.
 */
export default defineConfig({
  test: {
    include: ['tests/telephony/live*.test.ts'],
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
