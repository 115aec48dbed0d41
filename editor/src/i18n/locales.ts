// The languages of the interface, and the one a browser asks for.

/** The languages every screen is translated into; English is the fallback. */
export const locales = ['en', 'es', 'it', 'fr'] as const

export type Locale = (typeof locales)[number]

/** Each language in its own words, as the language menu shows it (never translated). */
export const localeNames: Record<Locale, string> = { en: 'English', es: 'Español', it: 'Italiano', fr: 'Français' }

/** Where the language a user picked is remembered. */
export const localeKey = 'switchboard.locale'

/** Tells whether a string names one of the interface's languages. */
export function isLocale(s: unknown): s is Locale {
  return typeof s === 'string' && (locales as readonly string[]).includes(s)
}

/** The first of the browser's languages (navigator.languages, "es-AR", "fr") that the interface
 * speaks, matched by its primary subtag; English when none is. */
export function pickLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split(/[-_]/)[0]
    if (isLocale(primary)) return primary
  }
  return 'en'
}

/** The language to start in: the one the user picked before, else the browser's. */
export function initialLocale(): Locale {
  let stored: string | null = null
  try {
    stored = localStorage.getItem(localeKey)
  } catch {
    // storage may be disabled
  }
  if (isLocale(stored)) return stored
  const nav = typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language]
  return pickLocale(nav.filter(Boolean))
}
