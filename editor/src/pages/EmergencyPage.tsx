// Emergency switches: one click turns a switch on or off, and every flow's emergency block
// sees it at once.

import { useState, type FormEvent } from 'react'
import { api } from '../api/client'
import { useApi, useChange } from '../api/useApi'
import type { EmergencySwitch } from '../api/types'
import { useT } from '../i18n/I18n'
import { authorName } from '../api/author'

export function EmergencyPage() {
  const t = useT()
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
        <h1>{t('emergency.title')}</h1>
      </header>
      {(error || message) && <p className="error">{error ?? message}</p>}
      <ul className="switches">
        {data?.map((s) => (
          <li key={s.name} className={s.on ? 'on' : 'off'} data-switch={s.name}>
            <button type="button" className={`switch ${s.on ? 'on' : 'off'}`} role="switch" aria-checked={s.on} aria-label={t('emergency.switchLabel', { name: s.name })} onClick={() => void set(s.name, !s.on)}>
              <span className="knob" />
            </button>
            <strong>{s.name}</strong> <span className="state">{s.on ? t('emergency.on') : t('emergency.off')}</span>
            <span className="muted"> {t('emergency.since', { at: new Date(s.updated_at), by: authorName(s.updated_by) })}</span>
          </li>
        ))}
      </ul>
      {data?.length === 0 && <p className="muted">{t('emergency.empty')}</p>}
      <form className="inline-form card" onSubmit={add} aria-label={t('emergency.new')}>
        <strong>{t('emergency.new')}</strong>
        <input aria-label={t('emergency.name')} placeholder={t('emergency.namePlaceholder')} value={name} required onChange={(e) => setName(e.target.value)} />
        <button type="submit">{t('emergency.add')}</button>
      </form>
    </div>
  )
}
