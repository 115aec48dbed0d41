// No component writes a text for people itself: texts between tags and in aria-label,
// placeholder, title, alt and label attributes come from the catalogues. A text that is the
// same in every language (a product name, a symbol) is listed here.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('../', import.meta.url).pathname

/** Texts allowed as they are: names and notations that no language translates. */
const untranslatable = new Set(['Switchboard', 'YAML', 'JSON', 'sbt_...'])

function components(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return components(p)
    return p.endsWith('.tsx') && !p.endsWith('.test.tsx') ? [p] : []
  })
}

/** The literal texts for people in a component's source: "file:line: text". */
export function literalTexts(source: string, file = ''): string[] {
  const found: string[] = []
  const lines = source.split('\n')
  lines.forEach((line, i) => {
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) return
    const at = `${file}:${i + 1}`
    // text between tags: >Save< or a line of JSX text
    for (const m of line.matchAll(/>([^<>{}]*[A-Za-z]{2}[^<>{}]*)</g)) {
      const text = m[1].trim()
      // not an arrow (=> x <) nor a generic type (Promise<T>) nor an expression
      const code = line[(m.index ?? 0) - 1] === '=' || /[[\];()]|&&|\|\||\bPromise$/.test(text)
      if (text && !code && !untranslatable.has(text)) found.push(`${at}: ${text}`)
    }
    const jsxText = /^\s+([A-Z][a-z]+(?: [a-z]+)*[.…]?)\s*$/.exec(line)
    if (jsxText && !untranslatable.has(jsxText[1])) found.push(`${at}: ${jsxText[1]}`)
    // attributes: aria-label="Close", title={`Remove ${x}`}
    for (const m of line.matchAll(/\b(aria-label|placeholder|title|alt|label)=(?:"([^"]*)"|\{`([^`]*)`\})/g)) {
      const text = (m[2] ?? m[3] ?? '').replace(/\$\{[^}]*\}/g, '').trim()
      if (/[A-Za-z]{2}/.test(text) && !untranslatable.has(text)) found.push(`${at}: ${m[1]}=${m[2] ?? m[3]}`)
    }
  })
  return found
}

describe('components', () => {
  it('take every text for people from the catalogues', () => {
    const found = components(root).flatMap((f) => literalTexts(readFileSync(f, 'utf8'), f.slice(root.length)))
    expect(found).toEqual([])
  })

  it('literalTexts finds texts between tags and in attributes', () => {
    expect(literalTexts('<button>Save</button>\n<input aria-label="Close" />\n<b title={`Remove ${x}`} />')).toEqual([
      ':1: Save',
      ':2: aria-label=Close',
      ':3: title=Remove ${x}',
    ])
    expect(literalTexts("<b>{t('x')}</b>\n<span>Switchboard</span>")).toEqual([])
  })
})
