// Asks for an API token (switchboard serve prints an admin token on first start) and keeps it
// in localStorage.

import { useState, type FormEvent } from 'react'
import { useIntl } from 'react-intl'
import { checkToken, setToken } from '../api/client'
import { navigate } from '../router'
import { useT } from '../i18n/I18n'
import { PreferencesMenu } from '../i18n/PreferencesMenu'

export function LoginPage() {
  const t = useT()
  const intl = useIntl()
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const kind = await checkToken(value.trim())
      setToken(value.trim())
      if (kind === 'agent') navigate('/desk')
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="login">
      <form onSubmit={submit} className="card">
        <div className="login-head">
          <h1>Switchboard</h1>
          <PreferencesMenu />
        </div>
        <p>{intl.formatMessage({ id: 'login.intro' }, { code: (chunks) => <code>{chunks}</code> })}</p>
        <label>
          {t('login.token')}
          <input
            name="token"
            type="password"
            autoComplete="off"
            placeholder="sbt_..."
            value={value}
            onChange={(e) => setValue(e.target.value)}
            autoFocus
          />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy || value.trim() === ''}>
          {t('login.submit')}
        </button>
      </form>
    </div>
  )
}
