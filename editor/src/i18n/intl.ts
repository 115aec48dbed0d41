// The interface's current language: its messages (ICU message format) and formatters, for
// components (through useT) and for code outside React (t). English is bundled; the other
// catalogues load when first chosen.

import { createIntl, createIntlCache, type IntlShape } from 'react-intl'
import en from './messages/en.json'
import { isLocale, localeKey, type Locale } from './locales'

/** A key of the message catalogues. */
export type MessageId = keyof typeof en

/** The values a message's arguments take. */
export type MessageValues = Record<string, string | number | boolean | Date | null | undefined>

const loaders = import.meta.glob<{ default: Record<string, string> }>(['./messages/*.json', '!./messages/en.json'])

const cache = createIntlCache()
const loaded = new Map<Locale, Record<string, string>>([['en', en]])
const listeners = new Set<() => void>()

function make(locale: Locale): IntlShape {
  return createIntl(
    {
      locale,
      defaultLocale: 'en',
      messages: loaded.get(locale) ?? en,
      // a key missing in a translation falls back to English (the catalogue test forbids it)
      onError: (err) => {
        if (import.meta.env.DEV) console.warn(err.message)
      },
    },
    cache,
  )
}

let current: IntlShape = make('en')

/** Loads a language's messages (once). */
export async function loadLocale(locale: Locale): Promise<void> {
  if (loaded.has(locale)) return
  const load = loaders[`./messages/${locale}.json`]
  if (!load) throw new Error(`no messages for the language ${locale}`)
  loaded.set(locale, (await load()).default)
}

/** Switches the interface to a language, remembers the choice and sets <html lang>. */
export async function setLocale(locale: Locale, opts: { remember?: boolean } = {}): Promise<void> {
  await loadLocale(locale)
  current = make(locale)
  if (typeof document !== 'undefined') document.documentElement.lang = locale
  if (opts.remember) {
    try {
      localStorage.setItem(localeKey, locale)
    } catch {
      // storage may be disabled: the choice lasts until the page reloads
    }
  }
  for (const fn of listeners) fn()
}

/** The current language's formatters. */
export function getIntl(): IntlShape {
  return current
}

/** The current language. */
export function currentLocale(): Locale {
  return isLocale(current.locale) ? current.locale : 'en'
}

/** Calls fn when the language changes. */
export function onLocaleChange(fn: () => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

/** A message in the current language, for code outside components (notices, errors). */
export function t(id: MessageId, values?: MessageValues): string {
  return current.formatMessage({ id }, values)
}
