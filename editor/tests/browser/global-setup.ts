// Builds the editor and the switchboard binary that embeds it (or takes the one SWITCHBOARD_BIN
// names, with SWITCHBOARD_EDITOR_BUILT=1 for its editor), starts one `switchboard serve` per
// worker, each on a fresh SQLite database and a free port, and hands the tests their URLs and
// admin tokens: the files of one worker share its server, one after the other (server.ts).

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { chromiumPath, chromiumMissing } from './chromium.ts'

const editorDir = new URL('../../', import.meta.url).pathname
const repoDir = new URL('../../../', import.meta.url).pathname

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server per worker; null when the tests cannot run here. */
    switchboards: { url: string; token: string }[] | null
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0))
    })
  })
}

function goBinary(): string {
  for (const g of ['/usr/local/go/bin/go']) if (existsSync(g)) return g
  return 'go'
}

const servers: ChildProcess[] = []
let dir = ''

/** Starts `switchboard serve` on a fresh database called name in dir, and returns its URL and
 * the admin token it printed. */
async function serve(bin: string, name: string): Promise<{ url: string; token: string }> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const server = spawn(bin, ['serve', '--db', join(dir, `${name}.db`), '--addr', `127.0.0.1:${port}`, '--flows', '../examples/flows', '--log-level', 'warn'], {
    cwd: editorDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  servers.push(server)
  const token = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`switchboard serve printed no token:\n${out}`)), 30_000)
    const read = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /sbt_[a-z0-9]+/.exec(out)
      if (m && out.includes('listening')) {
        clearTimeout(timer)
        resolve(m[0])
      }
    }
    server.stdout!.on('data', read)
    server.stderr!.on('data', read)
    server.once('exit', (code) => reject(new Error(`switchboard serve exited with ${code}:\n${out}`)))
  })
  return { url, token }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = chromiumMissing()
  if (missing) {
    if (process.env.CI === 'true') throw new Error(`${missing}; CI needs it: apt-get install -y chromium`)
    console.warn(`\n  skipping the browser tests: ${missing} (install it with apt-get install -y chromium)\n`)
    project.provide('switchboards', null)
    return async () => {}
  }
  if (process.env.SWITCHBOARD_EDITOR_BUILT !== '1') {
    execFileSync('npm', ['run', 'build'], { cwd: editorDir, stdio: 'inherit' })
  }
  dir = mkdtempSync(join(tmpdir(), 'switchboard-browser-'))
  // make test-browser hands over the binary make build just made (SWITCHBOARD_BIN): building
  // another with go build's default flags would compile every package a second time, beside the
  // Go suites compiling theirs
  let bin = process.env.SWITCHBOARD_BIN ?? ''
  if (bin === '') {
    bin = join(dir, 'switchboard')
    execFileSync(goBinary(), ['build', '-o', bin, './cmd/switchboard'], { cwd: repoDir, stdio: 'inherit' })
  } else if (!existsSync(bin)) {
    throw new Error(`SWITCHBOARD_BIN=${bin}: no such file; run make build, or unset it to build one here`)
  }
  const workers = Math.max(1, project.config.maxWorkers)
  const started = await Promise.all(Array.from({ length: workers }, (_, i) => serve(bin, `test-${i + 1}`)))
  project.provide('switchboards', started)
  console.log(`\n  switchboard serve at ${started.map((s) => s.url).join(', ')} (${chromiumPath})\n`)
  return async () => {
    await Promise.all(
      servers
        .filter((s) => s.exitCode === null)
        .map((s) => {
          s.kill('SIGTERM')
          return new Promise((r) => s.once('exit', r))
        }),
    )
    rmSync(dir, { recursive: true, force: true })
  }
}
