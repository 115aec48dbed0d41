import { defineConfig } from 'vitest/config'

const workers = Number(process.env.SWITCHBOARD_BROWSER_WORKERS ?? 1)
if (!Number.isInteger(workers) || workers < 1 || workers > 8) {
  throw new Error(`SWITCHBOARD_BROWSER_WORKERS=${process.env.SWITCHBOARD_BROWSER_WORKERS}: give a whole number from 1 to 8`)
}

// Browser tests: Chromium (playwright-core) against the real switchboard binary.
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/browser/global-setup.ts'],
    // One file at a time by default. SWITCHBOARD_BROWSER_WORKERS=2 runs two at once, each
    // worker with its own server (global-setup.ts, server.ts): on a machine with cores to spare
    // the suite takes a third less; on two cores beside the Go suites, the CPU is already full.
    maxWorkers: workers,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // A busy machine may take seconds to lay a flow out or answer a poll: wait for the state,
    // never for a fixed time.
    expect: { poll: { timeout: 30_000 } },
    reporters: ['verbose'],
  },
})
