// Asks for an API token (switchboard serve prints an admin token on first start) and keeps it
// in localStorage.

import { useState, type FormEvent } from 'react'
import { checkToken, setToken } from '../api/client'

export function LoginPage() {
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await checkToken(value.trim())
      setToken(value.trim())
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="login">
      <form onSubmit={submit} className="card">
        <h1>Switchboard</h1>
        <p>
          Sign in with an API token. <code>switchboard serve</code> prints an admin token the first time it starts;
          <code> switchboard token create</code> makes more.
        </p>
        <label>
          API token
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
          Sign in
        </button>
      </form>
    </div>
  )
}
