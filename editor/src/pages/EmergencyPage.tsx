// Emergency switches: one click turns a switch on or off, and every flow's emergency block
// sees it at once.

import { useState, type FormEvent } from 'react'
import { api } from '../api/client'
import { useApi, useChange } from '../api/useApi'
import type { EmergencySwitch } from '../api/types'

export function EmergencyPage() {
  const { data, error, reload } = useApi<EmergencySwitch[]>('/emergency')
  const { message, change } = useChange(reload)
  const [name, setName] = useState('')
  const set = (n: string, on: boolean) =>
    change(() => api(`/emergency/${encodeURIComponent(n)}`, { method: 'PUT', body: { on } }))
  const add = (e: FormEvent) => {
    e.preventDefault()
    void set(name.trim(), false).then((saved) => saved && setName(''))
  }
  return (
    <div className="list-page">
      <header className="page-head">
        <h1>Emergency switches</h1>
      </header>
      {(error || message) && <p className="error">{error ?? message}</p>}
      <ul className="switches">
        {data?.map((s) => (
          <li key={s.name} className={s.on ? 'on' : 'off'} data-switch={s.name}>
            <button type="button" className={`switch ${s.on ? 'on' : 'off'}`} role="switch" aria-checked={s.on} aria-label={`Switch ${s.name}`} onClick={() => void set(s.name, !s.on)}>
              <span className="knob" />
            </button>
            <strong>{s.name}</strong> <span className="state">{s.on ? 'ON' : 'off'}</span>
            <span className="muted">
              {' '}
              since {new Date(s.updated_at).toLocaleString()} by {s.updated_by}
            </span>
          </li>
        ))}
      </ul>
      {data?.length === 0 && <p className="muted">No switches yet. A switch exists once it is set; flows read an unknown switch as off.</p>}
      <form className="inline-form card" onSubmit={add} aria-label="New switch">
        <strong>New switch</strong>
        <input aria-label="Switch name" placeholder="outage" value={name} required onChange={(e) => setName(e.target.value)} />
        <button type="submit">Add (off)</button>
      </form>
    </div>
  )
}
