import { defineConfig } from 'vitest/config'

// Unit tests: the document store, the diff, the layout adapter, form generation, YAML.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
