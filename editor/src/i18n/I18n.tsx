// The current language for React: a provider that re-renders the tree when the language
// changes, and useT for components.

import { useCallback, useSyncExternalStore, type ReactNode } from 'react'
import { RawIntlProvider, useIntl } from 'react-intl'
import { getIntl, onLocaleChange, type MessageId, type MessageValues } from './intl'

export function I18nProvider({ children }: { children: ReactNode }) {
  const intl = useSyncExternalStore(onLocaleChange, getIntl)
  return <RawIntlProvider value={intl}>{children}</RawIntlProvider>
}

/** A message function bound to the current language: t('flows.title'), t('flows.deleted', {id}). */
export function useT(): (id: MessageId, values?: MessageValues) => string {
  const intl = useIntl()
  return useCallback((id: MessageId, values?: MessageValues) => intl.formatMessage({ id }, values), [intl])
}
