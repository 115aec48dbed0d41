// Flows for the unit tests: the example flows of the repository, read at test time.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Catalogue } from '../catalogue/catalogue'

const root = fileURLToPath(new URL('../../../', import.meta.url))

/** Reads an example flow from examples/flows. */
export function exampleFlow(name: string): string {
  return readFileSync(`${root}examples/flows/${name}.yaml`, 'utf8')
}

/** The catalogue of the built-in blocks, as GET /api/v1/blocks answered it. Refresh it with
 * curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/api/v1/blocks > src/catalogue/testdata/blocks.json */
export function testCatalogue(): Catalogue {
  return JSON.parse(readFileSync(fileURLToPath(new URL('../catalogue/testdata/blocks.json', import.meta.url)), 'utf8')) as Catalogue
}
