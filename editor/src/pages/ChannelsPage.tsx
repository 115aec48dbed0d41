// Channels: each point of contact with the flow that takes its interactions and the skill that
// route.skill blocks use when they name none.

import { Fragment, useState, type FormEvent } from 'react'
import { api, errorText } from '../api/client'
import { useApi } from '../api/useApi'
import type { Calendar, Channel, FlowSummary, Skill } from '../api/types'
import { SettingsForm } from '../settings/SettingsForm'
import { compatibleFlows, settingFields, type SettingsCatalogue } from '../settings/settingsForm'
import { useT } from '../i18n/I18n'

const types = ['facebook', 'instagram', 'twitter', 'webchat'] as const

export function ChannelsPage() {
  const t = useT()
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
      setMessage({ text: t('channels.saved', { id: ch.id }) })
    } catch (e) {
      setMessage({ text: errorText(e), error: true })
    }
  }

  const saveSettings = async (ch: Channel, settings: Record<string, unknown>) => {
    setMessage(null)
    try {
      await api(`/channels/${encodeURIComponent(ch.id)}`, { method: 'PUT', body: { settings } })
      await channels.reload()
      setMessage({ text: t('channels.settingsSaved', { id: ch.id }) })
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
        <h1>{t('channels.title')}</h1>
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
            <th>{t('channels.channel')}</th>
            <th>{t('channels.defaultFlow')}</th>
            <th>{t('channels.defaultSkill')}</th>
            <th>{t('channels.enabled')}</th>
            <th>{t('channels.webhook')}</th>
            <th>
              <span className="sr-only">{t('common.actions')}</span>
            </th>
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
                    {ch.needs_reauth && <span className="error"> · {t('channels.needsReauth')}</span>}
                  </div>
                </td>
                <td>
                  <select aria-label={t('channels.defaultFlowOf', { id: ch.id })} value={ch.default_flow} onChange={(e) => void update(ch, { default_flow: e.target.value })}>
                    <option value="">{t('common.none')}</option>
                    {compatibleFlows(flows.data ?? [], ch.type, ch.default_flow).map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.name} ({f.id})
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <select aria-label={t('channels.defaultSkillOf', { id: ch.id })} value={ch.default_skill} onChange={(e) => void update(ch, { default_skill: e.target.value })}>
                    <option value="">{t('common.none')}</option>
                    {skills.data?.map((s) => (
                      <option key={s.name} value={s.name}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input type="checkbox" aria-label={t('channels.enabledOf', { id: ch.id })} checked={ch.enabled} onChange={(e) => void update(ch, { enabled: e.target.checked })} />
                </td>
                <td>
                  <code>{ch.webhook_path}</code>
                </td>
                <td>
                  <button type="button" aria-expanded={open === ch.id} onClick={() => setOpen(open === ch.id ? null : ch.id)}>
                    {t('channels.settings')}
                  </button>
                </td>
              </tr>
              {open === ch.id && spec.data && (
                <tr className="settings-row">
                  <td colSpan={6}>
                    <SettingsForm
                      key={ch.updated_at}
                      label={t('channels.settingsOf', { id: ch.id })}
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
      {channels.data?.length === 0 && <p className="muted">{t('channels.empty')}</p>}
      <form className="inline-form card" onSubmit={(e) => void create(e)} aria-label={t('channels.new')}>
        <strong>{t('channels.new')}</strong>
        <input aria-label={t('channels.id')} placeholder={t('channels.idPlaceholder')} value={draft.id} required onChange={(e) => setDraft({ ...draft, id: e.target.value })} />
        <select aria-label={t('channels.type')} value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })}>
          {types.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <input aria-label={t('channels.name')} placeholder={t('common.name')} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <button type="submit" className="primary">
          {t('common.create')}
        </button>
      </form>
    </div>
  )
}
