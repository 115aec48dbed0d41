import { defineConfig } from 'vitest/config'

// Unit tests: the document store, the diff, the layout adapter, form generation, YAML.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // the files share their workers' modules rather than each loading its own: loading them
    // was three times the CPU of the tests themselves (make test runs this beside the other
    // suites). A test leaves no state behind for another file to find.
    isolate: false,
    // Vitest's 5 s per test is a timing assertion: on a busy machine the layout and the
    // move-after-move YAML tests take several times longer, and are still right.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
