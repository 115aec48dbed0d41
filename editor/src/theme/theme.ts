// The colour theme: light, dark, or the system's (prefers-color-scheme), remembered in
// localStorage and applied as <html data-theme="light|dark">, which the stylesheet's colour
// variables follow.

import { useSyncExternalStore } from 'react'

/** What the user chose. */
export type ThemeChoice = 'light' | 'dark' | 'system'

export const themeChoices: ThemeChoice[] = ['system', 'light', 'dark']

/** Where the choice is remembered. */
export const themeKey = 'switchboard.theme'

const listeners = new Set<() => void>()

function isChoice(s: unknown): s is ThemeChoice {
  return s === 'light' || s === 'dark' || s === 'system'
}

/** The theme the user chose; "system" when none. */
export function getThemeChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(themeKey)
    return isChoice(v) ? v : 'system'
  } catch {
    return 'system'
  }
}

function systemDark(): MediaQueryList | null {
  return typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null
}

/** The theme a choice shows now. */
export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (prefersDark ? 'dark' : 'light') : choice
}

function apply(): void {
  const theme = resolveTheme(getThemeChoice(), systemDark()?.matches ?? false)
  document.documentElement.dataset.theme = theme
  document.documentElement.style.colorScheme = theme
}

/** Remembers a choice and applies it. */
export function setThemeChoice(choice: ThemeChoice): void {
  try {
    localStorage.setItem(themeKey, choice)
  } catch {
    // storage may be disabled: the choice lasts until the page reloads
  }
  apply()
  for (const fn of listeners) fn()
}

/** Applies the remembered theme and follows the system's when the choice is "system". */
export function startTheme(): void {
  apply()
  systemDark()?.addEventListener('change', () => {
    apply()
    for (const fn of listeners) fn()
  })
}

/** The current choice, for the menu. */
export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    getThemeChoice,
  )
}
