import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import '@xyflow/react/dist/style.css'
import './styles.css'
import { App } from './App'
import { I18nProvider } from './i18n/I18n'
import { setLocale } from './i18n/intl'
import { initialLocale } from './i18n/locales'
import { startTheme } from './theme/theme'

startTheme()
// the first screen shows in the user's language: its messages load before it draws
void setLocale(initialLocale())
  .catch(() => setLocale('en'))
  .then(() =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <I18nProvider>
          <App />
        </I18nProvider>
      </StrictMode>,
    ),
  )
