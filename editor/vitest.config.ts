import { defineConfig } from 'vitest/config'

// Unit tests: the document store, the diff, the layout adapter, form generation, YAML.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Vitest's 5 s per test is a timing assertion: on a busy machine the layout and the
    // move-after-move YAML tests take several times longer, and are still right.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
