// What a page shows in a language that its catalogue translates but the page left in English:
// the English messages as patterns, matched against every visible text of the page outside the
// regions that show data. Used by the languages test and the desk's.

import { readFileSync } from 'node:fs'
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser'
import type { Page } from 'playwright-core'
import { sameAsEnglish } from '../../src/i18n/sameAsEnglish.ts'

type Catalogue = Record<string, string>

/** A language's messages. */
export const catalogue = (l: string) => JSON.parse(readFileSync(new URL(`../../src/i18n/messages/${l}.json`, import.meta.url), 'utf8')) as Catalogue
const en = catalogue('en')

/** A pattern that matches a whole text the English message can produce: its literal parts,
 * and anything for its arguments; with the length of those literal parts. Null when it has too
 * few letters of its own to tell. */
function patternOf(message: string): { re: RegExp; literal: number } | null {
  let literal = ''
  const toSource = (els: MessageFormatElement[]): string =>
    els
      .map((el) => {
        if (el.type === TYPE.literal) {
          literal += el.value
          return el.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        }
        if (el.type === TYPE.tag) return toSource(el.children)
        return '.*?'
      })
      .join('')
  const source = toSource(parse(message))
  if ((literal.match(/[A-Za-z]/g) ?? []).length < 3) return null
  return { re: new RegExp(`^${source.replace(/\s+/g, '\\s+')}$`, 's'), literal: literal.length }
}

/** The English messages a page in this language must not show: those the language translates. */
export function untranslatedMatchers(locale: 'es' | 'it' | 'fr'): { key: string; test: (text: string) => boolean }[] {
  const theirs = catalogue(locale)
  return Object.entries(en)
    .filter(([key, message]) => !sameAsEnglish[locale].includes(key) && theirs[key] !== message)
    .flatMap(([key, message]) => {
      const p = patternOf(message)
      // a message with arguments matches a text mostly made of its own words, not a long text
      // of data that happens to contain " name " or " to "
      return p ? [{ key, test: (text: string) => p.re.test(text) && p.literal >= text.length * 0.4 }] : []
    })
}

/** Where the page shows data rather than the interface's own texts: the flow's blocks, exits
 * and notes on the canvas, the canned responses admins wrote, and the texts the server writes
 * (block titles in the palette and the new flow's choice of trigger, block and setting
 * descriptions, parameter help and labels, diagnostics), which stay in English (docs/editor.md). */
export const dataRegions = [
  '.react-flow__node',
  '.react-flow__edge',
  '.react-flow__minimap',
  '.inspector .description',
  '.field-help',
  '.field-label',
  '.field-problems',
  '.settings-form small.muted',
  '.problems .msg',
  '.problems .where',
  '.yaml-view textarea',
  '.gutter',
  '.palette-item',
  '.exits-table th',
  'tr[data-canned] td',
  'option[data-block]',
].join(', ')

/** Every text the page shows to people: visible text nodes, the options of its menus, and the
 * labels, placeholders and titles of visible elements. */
export async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate((dataRegions) => {
    const out = new Set<string>()
    const add = (s: string | null | undefined) => {
      const t = (s ?? '').replace(/\s+/g, ' ').trim()
      if (t) out.add(t)
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement
      if (el && !el.closest(dataRegions) && el.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions)) add(n.textContent)
    }
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('[aria-label], [placeholder], [title], select option'))) {
      if (el.closest(dataRegions)) continue
      const visible = el.tagName === 'OPTION' ? el.parentElement?.closest('select')?.checkVisibility() : el.checkVisibility()
      if (!visible) continue
      add(el.getAttribute('aria-label'))
      add(el.getAttribute('placeholder'))
      add(el.getAttribute('title'))
      if (el.tagName === 'OPTION') add(el.textContent)
    }
    return [...out]
  }, dataRegions)
}

/** The texts of the page that are English messages its language translates, each with the
 * message's key. */
export async function untranslatedOn(page: Page, locale: 'es' | 'it' | 'fr'): Promise<string[]> {
  const matchers = untranslatedMatchers(locale)
  const theirs = new Set(Object.values(catalogue(locale)))
  const found: string[] = []
  for (const text of await visibleTexts(page)) {
    const m = !theirs.has(text) && matchers.find((x) => x.test(text))
    if (m) found.push(`"${text}" (${m.key})`)
  }
  return found
}
