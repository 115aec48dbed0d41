// Completes dist/third-party-licenses.txt, the licence texts of the packages the build bundles.
// Vite writes it for the main bundle (build.license in vite.config.ts) but not for the bundles
// of Web Workers, so a package of `dependencies` used only in a worker (elkjs, the auto-layout)
// is missing from it: this adds each such package, in Vite's format, with the licence file it
// ships and the SPDX expression of its package.json. It fails the build when a package of
// `dependencies` has no licence file, or is still not listed.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const out = join(root, 'dist', 'third-party-licenses.txt')
const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

let text = readFileSync(out, 'utf8')
const listed = (name, version) => text.includes(`\n## ${name} - ${version} (`)
const added = []
for (const name of Object.keys(dependencies).sort()) {
  const dir = join(root, 'node_modules', name)
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  if (listed(name, pkg.version)) continue
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f))
  if (!file || !existsSync(join(dir, file))) {
    console.error(`third-party-licenses: ${name} ${pkg.version} ships no licence file`)
    process.exit(1)
  }
  const license = readFileSync(join(dir, file), 'utf8').trim()
  text = text.trimEnd() + `\n\n## ${name} - ${pkg.version} (${pkg.license})\n\n${license}\n`
  added.push(name)
}
for (const name of Object.keys(dependencies)) {
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'))
  if (!listed(name, version)) {
    console.error(`third-party-licenses: ${name} ${version} is not in ${out}`)
    process.exit(1)
  }
}
writeFileSync(out, text)
console.log(`third-party-licenses: ${Object.keys(dependencies).length} dependencies listed` +
  (added.length ? `; added from node_modules: ${added.join(', ')}` : ''))
