// Writes a Brotli (.br) and a gzip (.gz) copy beside each built file that compresses well, so
// that the Go server can send them to clients that accept them; and keeps dist/.keep.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const dist = new URL('../dist/', import.meta.url).pathname
const compressible = /\.(js|mjs|css|html|svg|json|txt|map|wasm)$/

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* files(path)
    else yield path
  }
}

let count = 0
let before = 0
let after = 0
for (const path of [...files(dist)]) {
  if (!compressible.test(path)) continue
  const data = readFileSync(path)
  if (data.length < 512) continue
  const br = brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  })
  const gz = gzipSync(data, { level: 9 })
  if (br.length < data.length) writeFileSync(path + '.br', br)
  if (gz.length < data.length) writeFileSync(path + '.gz', gz)
  count++
  before += data.length
  after += br.length
}
writeFileSync(join(dist, '.keep'), '')
console.log(`compressed ${count} files: ${(before / 1024).toFixed(0)} KiB, ${(after / 1024).toFixed(0)} KiB with Brotli`)
