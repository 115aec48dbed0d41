// The language and theme menus of the top bar (and the sign-in page).

import { useSyncExternalStore } from 'react'
import { currentLocale, onLocaleChange, setLocale, type MessageId } from './intl'
import { useT } from './I18n'
import { isLocale, localeNames, locales } from './locales'
import { setThemeChoice, themeChoices, useThemeChoice, type ThemeChoice } from '../theme/theme'

const themeLabels: Record<ThemeChoice, MessageId> = { system: 'prefs.theme.system', light: 'prefs.theme.light', dark: 'prefs.theme.dark' }

export function PreferencesMenu() {
  const t = useT()
  const locale = useSyncExternalStore(onLocaleChange, currentLocale)
  const theme = useThemeChoice()
  return (
    <span className="preferences">
      <select
        aria-label={t('prefs.language')}
        title={t('prefs.language')}
        value={locale}
        data-testid="language"
        onChange={(e) => isLocale(e.target.value) && void setLocale(e.target.value, { remember: true })}
      >
        {locales.map((l) => (
          <option key={l} value={l} lang={l}>
            {localeNames[l]}
          </option>
        ))}
      </select>
      <select aria-label={t('prefs.theme')} title={t('prefs.theme')} value={theme} data-testid="theme" onChange={(e) => setThemeChoice(e.target.value as ThemeChoice)}>
        {themeChoices.map((c) => (
          <option key={c} value={c}>
            {t(themeLabels[c])}
          </option>
        ))}
      </select>
    </span>
  )
}
