// Builds the editor and the switchboard binary that embeds it (or takes the one SWITCHBOARD_BIN
// names, with SWITCHBOARD_EDITOR_BUILT=1 for its editor), starts `switchboard serve` on a
// fresh SQLite database and a free port, and hands the tests its URL and admin token.

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
    switchboard: { url: string; token: string } | null
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

let server: ChildProcess | null = null
let dir = ''

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = chromiumMissing()
  if (missing) {
    if (process.env.CI === 'true') throw new Error(`${missing}; CI needs it: apt-get install -y chromium`)
    console.warn(`\n  skipping the browser tests: ${missing} (install it with apt-get install -y chromium)\n`)
    project.provide('switchboard', null)
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
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  server = spawn(bin, ['serve', '--db', join(dir, 'test.db'), '--addr', `127.0.0.1:${port}`, '--flows', '../examples/flows', '--log-level', 'warn'], {
    cwd: editorDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
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
    server!.stdout!.on('data', read)
    server!.stderr!.on('data', read)
    server!.once('exit', (code) => reject(new Error(`switchboard serve exited with ${code}:\n${out}`)))
  })
  project.provide('switchboard', { url, token })
  console.log(`\n  switchboard serve at ${url} (${chromiumPath})\n`)
  return async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM')
      await new Promise((r) => server!.once('exit', r))
    }
    rmSync(dir, { recursive: true, force: true })
  }
}
