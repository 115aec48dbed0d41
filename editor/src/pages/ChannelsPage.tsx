// Channels: each point of contact with the flow that takes its interactions and the skill that
// route.skill blocks use when they name none.

import { Fragment, useState, type FormEvent } from 'react'
import { api, errorText } from '../api/client'
import { useApi } from '../api/useApi'
import type { Calendar, Channel, FlowSummary, Skill } from '../api/types'
import { SettingsForm } from '../settings/SettingsForm'
import { compatibleFlows, settingFields, type SettingsCatalogue } from '../settings/settingsForm'

const types = ['facebook', 'instagram', 'twitter', 'webchat'] as const

export function ChannelsPage() {
  const channels = useApi<Channel[]>('/channels')
  const flows = useApi<FlowSummary[]>('/flows')
  const skills = useApi<Skill[]>('/skills')
  const spec = useApi<SettingsCatalogue>('/settings/schema')
  const calendars = useApi<Calendar[]>('/calendars')
  const [open, setOpen] = useState<string | null>(null)
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null)
  const [draft, setDraft] = useState({ id: '', type: 'webchat', name: '' })

  const update = async (ch: Channel, patch: Partial<Channel>) => {
    setMessage(null)
    try {
      const next = { ...ch, ...patch }
      await api(`/channels/${encodeURIComponent(ch.id)}`, {
        method: 'PUT',
        body: { name: next.name, default_flow: next.default_flow, default_skill: next.default_skill, enabled: next.enabled },
      })
      await channels.reload()
      setMessage({ text: `Saved ${ch.id}.` })
    } catch (e) {
      setMessage({ text: errorText(e), error: true })
    }
  }

  const saveSettings = async (ch: Channel, settings: Record<string, unknown>) => {
    setMessage(null)
    try {
      await api(`/channels/${encodeURIComponent(ch.id)}`, { method: 'PUT', body: { settings } })
      await channels.reload()
      setMessage({ text: `Saved the settings of ${ch.id}.` })
    } catch (e) {
      setMessage({ text: errorText(e), error: true })
    }
  }

  const create = async (e: FormEvent) => {
    e.preventDefault()
    setMessage(null)
    try {
      await api('/channels', { method: 'POST', body: draft })
      setDraft({ id: '', type: 'webchat', name: '' })
      await channels.reload()
    } catch (err) {
      setMessage({ text: errorText(err), error: true })
    }
  }

  return (
    <div className="list-page">
      <header className="page-head">
        <h1>Channels</h1>
      </header>
      {channels.error && <p className="error">{channels.error}</p>}
      {message && (
        <p className={message.error ? 'error' : 'notice'} role="status">
          {message.text}
        </p>
      )}
      <table className="table">
        <thead>
          <tr>
            <th>Channel</th>
            <th>Default flow</th>
            <th>Default skill</th>
            <th>Enabled</th>
            <th>Webhook</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {channels.data?.map((ch) => (
            <Fragment key={ch.id}>
              <tr data-channel={ch.id}>
                <td>
                  <strong>{ch.name}</strong>
                  <div className="muted">
                    {ch.id} · {ch.type}
                    {ch.needs_reauth && <span className="error"> · needs new credentials</span>}
                  </div>
                </td>
                <td>
                  <select aria-label={`Default flow of ${ch.id}`} value={ch.default_flow} onChange={(e) => void update(ch, { default_flow: e.target.value })}>
                    <option value="">(none)</option>
                    {compatibleFlows(flows.data ?? [], ch.type, ch.default_flow).map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.name} ({f.id})
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <select aria-label={`Default skill of ${ch.id}`} value={ch.default_skill} onChange={(e) => void update(ch, { default_skill: e.target.value })}>
                    <option value="">(none)</option>
                    {skills.data?.map((s) => (
                      <option key={s.name} value={s.name}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input type="checkbox" aria-label={`${ch.id} enabled`} checked={ch.enabled} onChange={(e) => void update(ch, { enabled: e.target.checked })} />
                </td>
                <td>
                  <code>{ch.webhook_path}</code>
                </td>
                <td>
                  <button type="button" aria-expanded={open === ch.id} onClick={() => setOpen(open === ch.id ? null : ch.id)}>
                    Settings
                  </button>
                </td>
              </tr>
              {open === ch.id && spec.data && (
                <tr className="settings-row">
                  <td colSpan={6}>
                    <SettingsForm
                      key={ch.updated_at}
                      label={`Settings of ${ch.id}`}
                      catalogue={spec.data}
                      fields={settingFields(spec.data.channel, ch.type)}
                      settings={ch.settings}
                      prefix="settings."
                      names={{ calendar: (calendars.data ?? []).map((c) => c.name) }}
                      onSave={(settings) => saveSettings(ch, settings)}
                    />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
      {channels.data?.length === 0 && <p className="muted">No channels yet.</p>}
      <form className="inline-form card" onSubmit={(e) => void create(e)} aria-label="New channel">
        <strong>New channel</strong>
        <input aria-label="Channel id" placeholder="id, like acme-page" value={draft.id} required onChange={(e) => setDraft({ ...draft, id: e.target.value })} />
        <select aria-label="Channel type" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })}>
          {types.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <input aria-label="Channel name" placeholder="Name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <button type="submit" className="primary">
          Create
        </button>
      </form>
    </div>
  )
}
