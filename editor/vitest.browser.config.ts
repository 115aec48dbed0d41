import { defineConfig } from 'vitest/config'

// Browser tests: Chromium (playwright-core) against the real switchboard binary.
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/browser/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // A busy machine may take seconds to lay a flow out or answer a poll: wait for the state,
    // never for a fixed time.
    expect: { poll: { timeout: 30_000 } },
    reporters: ['verbose'],
  },
})
