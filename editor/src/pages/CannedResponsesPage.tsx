// Canned responses: texts agents insert from the reply box, for every channel or one channel
// and skill. The text is a flow template ({{ contact.first_name }}), checked by the server.

import { useState, type FormEvent } from 'react'
import { api } from '../api/client'
import { useApi, useChange } from '../api/useApi'
import type { Channel, Skill } from '../api/types'
import type { CannedResponse } from '../desk/types'
import { useT } from '../i18n/I18n'

const empty: CannedResponse = { id: '', title: '', shortcut: '', text: '', channel: '', skill: '' }

export function CannedResponsesPage() {
  const t = useT()
  const { data, error, reload } = useApi<CannedResponse[] | { responses: CannedResponse[] }>('/canned-responses')
  const channels = useApi<Channel[]>('/channels')
  const skills = useApi<Skill[]>('/skills')
  const [form, setForm] = useState<CannedResponse>(empty)
  const { message, change } = useChange(reload)
  const list = Array.isArray(data) ? data : (data?.responses ?? [])
  const set = (k: keyof CannedResponse, v: string) => setForm({ ...form, [k]: v })
  const save = async (e: FormEvent) => {
    e.preventDefault()
    const body = { title: form.title, shortcut: form.shortcut, text: form.text, channel: form.channel || undefined, skill: form.skill || undefined }
    const ok = await change(() =>
      form.id ? api(`/canned-responses/${encodeURIComponent(form.id)}`, { method: 'PUT', body }) : api('/canned-responses', { method: 'POST', body }),
    )
    if (ok) setForm(empty)
  }
  const remove = async (c: CannedResponse) => {
    if (!confirm(t('canned.confirmDelete', { title: c.title }))) return
    await change(() => api(`/canned-responses/${encodeURIComponent(c.id)}`, { method: 'DELETE' }))
  }
  return (
    <div className="list-page">
      <header className="page-head">
        <h1>{t('canned.title')}</h1>
      </header>
      <p className="muted">{t('canned.intro', { example: '{{ contact.first_name }}' })}</p>
      {(error || message) && <p className="error">{error ?? message}</p>}
      <table className="table">
        <thead>
          <tr>
            <th>{t('canned.titleField')}</th>
            <th>{t('canned.shortcut')}</th>
            <th>{t('canned.text')}</th>
            <th>{t('canned.scope')}</th>
            <th>
              <span className="sr-only">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((c) => (
            <tr key={c.id} data-canned={c.shortcut || c.id}>
              <td>
                <strong>{c.title}</strong>
              </td>
              <td>{c.shortcut && <code>{`/${c.shortcut}`}</code>}</td>
              <td className="canned-text">{c.text}</td>
              <td>{c.channel || c.skill ? [c.channel, c.skill].filter(Boolean).join(' · ') : t('canned.everywhere')}</td>
              <td className="row-actions">
                <button type="button" onClick={() => setForm({ ...empty, ...c, channel: c.channel ?? '', skill: c.skill ?? '' })}>
                  {t('common.edit')}
                </button>
                <button type="button" className="danger" onClick={() => void remove(c)}>
                  {t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length === 0 && !error && <p className="muted">{t('canned.none')}</p>}
      <form className="card canned-form" onSubmit={(e) => void save(e)}>
        <strong>{form.id ? t('canned.editing', { title: form.title }) : t('canned.new')}</strong>
        <label>
          {t('canned.titleField')}
          <input name="title" value={form.title} required onChange={(e) => set('title', e.target.value)} />
        </label>
        <label>
          {t('canned.shortcut')}
          <input name="shortcut" value={form.shortcut} placeholder={t('canned.shortcutPlaceholder')} onChange={(e) => set('shortcut', e.target.value)} />
        </label>
        <label>
          {t('canned.text')}
          <textarea name="text" value={form.text} required rows={4} placeholder={t('canned.textPlaceholder', { example: '{{ contact.first_name }}' })} onChange={(e) => set('text', e.target.value)} />
        </label>
        <label>
          {t('canned.channel')}
          <select name="channel" value={form.channel} onChange={(e) => set('channel', e.target.value)}>
            <option value="">{t('canned.anyChannel')}</option>
            {channels.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name || c.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('canned.skill')}
          <select name="skill" value={form.skill} onChange={(e) => set('skill', e.target.value)}>
            <option value="">{t('canned.anySkill')}</option>
            {skills.data?.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <div className="row-actions">
          <button type="submit" className="primary">
            {form.id ? t('canned.save') : t('common.create')}
          </button>
          {form.id && (
            <button type="button" className="link" onClick={() => setForm(empty)}>
              {t('common.cancel')}
            </button>
          )}
        </div>
      </form>
    </div>
  )
}
