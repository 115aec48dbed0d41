import { defineConfig } from 'vitest/config'

const workers = Number(process.env.SWITCHBOARD_BROWSER_WORKERS ?? 2)
if (!Number.isInteger(workers) || workers < 1 || workers > 8) {
  throw new Error(`SWITCHBOARD_BROWSER_WORKERS=${process.env.SWITCHBOARD_BROWSER_WORKERS}: give a whole number from 1 to 8`)
}

// Browser tests: Chromium (playwright-core) against the real switchboard binary.
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/browser/global-setup.ts'],
    // Two files at a time, each worker with its own server (global-setup.ts, server.ts): a
    // browser test mostly waits (for the page, a poll, the server), and two fill those waits.
    // SWITCHBOARD_BROWSER_WORKERS=1 runs the files one by one.
    maxWorkers: workers,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // A busy machine may take seconds to lay a flow out or answer a poll: wait for the state,
    // never for a fixed time.
    expect: { poll: { timeout: 30_000 } },
    reporters: ['verbose'],
  },
})
