// The message catalogues: every language has every key of English and no other, every message
// is valid ICU, a translation uses the same arguments of the same kinds as English, plurals and
// selects have their "other" case, and a message left as in English is on the list of those
// that are the same on purpose.

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser'
import { locales } from './locales'
import { sameAsEnglish } from './sameAsEnglish'

type Catalogue = Record<string, string>

function load(locale: string): Catalogue {
  return JSON.parse(readFileSync(new URL(`./messages/${locale}.json`, import.meta.url), 'utf8')) as Catalogue
}

const kinds: Partial<Record<TYPE, string>> = {
  [TYPE.argument]: 'text',
  [TYPE.number]: 'number',
  [TYPE.date]: 'date',
  [TYPE.time]: 'time',
  [TYPE.plural]: 'plural',
  [TYPE.select]: 'select',
  [TYPE.tag]: 'tag',
}

/** The arguments of a message with their kinds ("count:plural", "at:date"), sorted; the
 * problems of its plural and select cases. */
export function argumentsOf(message: string): { args: string[]; problems: string[] } {
  const args = new Set<string>()
  const problems: string[] = []
  const walk = (els: MessageFormatElement[]) => {
    for (const el of els) {
      const kind = kinds[el.type]
      if (kind && 'value' in el) args.add(`${el.value}:${kind}`)
      if (el.type === TYPE.plural || el.type === TYPE.select) {
        if (!el.options.other) problems.push(`{${el.value}} has no "other" case`)
        for (const o of Object.values(el.options)) walk(o.value)
      }
      if (el.type === TYPE.tag) walk(el.children)
    }
  }
  walk(parse(message))
  return { args: [...args].sort(), problems }
}

const en = load('en')

describe('message catalogues', () => {
  it('English messages are valid ICU with complete plurals', () => {
    for (const [key, message] of Object.entries(en)) {
      expect(() => argumentsOf(message), `en ${key}`).not.toThrow()
      expect(argumentsOf(message).problems, `en ${key}`).toEqual([])
    }
  })

  for (const locale of locales.filter((l) => l !== 'en')) {
    describe(locale, () => {
      const messages = load(locale)

      it('has every key of English and no other', () => {
        const missing = Object.keys(en).filter((k) => !(k in messages))
        const extra = Object.keys(messages).filter((k) => !(k in en))
        expect(missing, `keys missing in ${locale}.json`).toEqual([])
        expect(extra, `keys in ${locale}.json that English does not have`).toEqual([])
      })

      it('uses the arguments of English, of the same kinds', () => {
        const wrong: string[] = []
        for (const [key, message] of Object.entries(messages)) {
          if (!(key in en)) continue
          let mine
          try {
            mine = argumentsOf(message)
          } catch (e) {
            wrong.push(`${key}: not valid ICU: ${String(e)}`)
            continue
          }
          const theirs = argumentsOf(en[key]).args
          if (mine.args.join() !== theirs.join()) wrong.push(`${key}: {${mine.args.join(', ')}} where English has {${theirs.join(', ')}}`)
          for (const p of mine.problems) wrong.push(`${key}: ${p}`)
        }
        expect(wrong).toEqual([])
      })

      it('translates every message but those that are the same on purpose', () => {
        const same = Object.keys(messages).filter((k) => messages[k] === en[k] && !sameAsEnglish[locale].includes(k))
        expect(same, `messages of ${locale}.json still in English`).toEqual([])
      })
    })
  }

  it('argumentsOf tells a renamed or retyped argument apart', () => {
    expect(argumentsOf('{count, plural, one {# block} other {# blocks}} in {flow}').args).toEqual(['count:plural', 'flow:text'])
    expect(argumentsOf('{n} in {flow}').args).toEqual(['flow:text', 'n:text'])
    expect(() => argumentsOf('{n, plural, one {#}}')).toThrow()
    expect(argumentsOf('since {at, date, medium}').args).toEqual(['at:date'])
  })
})
