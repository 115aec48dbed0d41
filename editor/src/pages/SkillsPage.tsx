// Skills: the queues conversations are routed to, with the dispositions agents close them with.

import { useState } from 'react'
import { api } from '../api/client'
import { useApi, useChange } from '../api/useApi'
import type { Skill } from '../api/types'
import { SettingsForm } from '../settings/SettingsForm'
import { settingFields, type SettingsCatalogue } from '../settings/settingsForm'
import { useT } from '../i18n/I18n'

export function SkillsPage() {
  const t = useT()
  const { data, error, reload } = useApi<Skill[]>('/skills')
  const spec = useApi<SettingsCatalogue>('/settings/schema')
  // the skill being edited, or null for a new one
  const [editing, setEditing] = useState<Skill | null>(null)
  const [name, setName] = useState('')
  const { message, change } = useChange(reload)
  const save = async (settings: Record<string, unknown>) => {
    const saved = await change(() => api(`/skills/${encodeURIComponent(name.trim())}`, { method: 'PUT', body: settings }))
    if (saved) {
      setName('')
      setEditing(null)
    }
  }
  const remove = async (s: Skill) => {
    if (!confirm(t('skills.confirmDelete', { name: s.name }))) return
    await change(() => api(`/skills/${encodeURIComponent(s.name)}`, { method: 'DELETE' }))
  }
  return (
    <div className="list-page">
      <header className="page-head">
        <h1>{t('skills.title')}</h1>
      </header>
      {(error || message) && <p className="error">{error ?? message}</p>}
      <table className="table">
        <thead>
          <tr>
            <th>{t('skills.skill')}</th>
            <th>{t('skills.dispositions')}</th>
            <th>{t('skills.requireAccept')}</th>
            <th>
              <span className="sr-only">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data?.map((s) => (
            <tr key={s.name} data-skill={s.name}>
              <td>
                <strong>{s.name}</strong>
                <div className="muted">{s.description}</div>
              </td>
              <td>{(s.dispositions ?? []).join(', ')}</td>
              <td>{s.require_accept ? t('common.yes') : t('common.no')}</td>
              <td className="row-actions">
                <button
                  type="button"
                  onClick={() => {
                    setEditing(s)
                    setName(s.name)
                  }}
                >
                  {t('common.edit')}
                </button>
                <button type="button" className="danger" onClick={() => void remove(s)}>
                  {t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {spec.data && (
        <div className="card">
          <SettingsForm
            key={editing?.name ?? ''}
            label={t('skills.skill')}
            catalogue={spec.data}
            fields={settingFields(spec.data.skill, null)}
            settings={editing ? { ...editing } : {}}
            prefix=""
            names={{}}
            saveText={t('skills.save')}
            onSave={save}
          >
            <strong>{editing ? t('skills.editing', { name: editing.name }) : t('skills.new')}</strong>
            <label>
              {t('common.name')}
              <input value={name} required readOnly={editing !== null} placeholder={t('skills.namePlaceholder')} onChange={(e) => setName(e.target.value)} />
            </label>
            {editing && (
              <button
                type="button"
                className="link"
                onClick={() => {
                  setEditing(null)
                  setName('')
                }}
              >
                {t('common.cancel')}
              </button>
            )}
          </SettingsForm>
        </div>
      )}
    </div>
  )
}
