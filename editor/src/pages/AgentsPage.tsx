// Agents: their skills with a proficiency from 1 to 20, and how many conversations they take.

import { useState, type FormEvent } from 'react'
import { api } from '../api/client'
import { useApi, useChange } from '../api/useApi'
import type { Agent, Skill } from '../api/types'
import { parseSkills } from '../simulate/scenario'
import { useT } from '../i18n/I18n'
import { SettingsForm } from '../settings/SettingsForm'
import { settingFields, type SettingsCatalogue } from '../settings/settingsForm'

interface Draft {
  id: string
  name: string
  skills: string
  capacity: string
}

const empty: Draft = { id: '', name: '', skills: '', capacity: '1' }

export function AgentsPage() {
  const t = useT()
  const { data, error, reload } = useApi<Agent[]>('/agents')
  const skills = useApi<Skill[]>('/skills')
  const spec = useApi<SettingsCatalogue>('/settings/schema')
  const workspace = useApi<Record<string, unknown>>('/workspace/settings')
  const workspaceChange = useChange(workspace.reload)
  const [draft, setDraft] = useState<Draft>(empty)
  const [editing, setEditing] = useState(false)
  const { message, change } = useChange(reload)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const saved = await change(() =>
      api(`/agents/${encodeURIComponent(draft.id.trim())}`, {
        method: 'PUT',
        body: { name: draft.name, skills: parseSkills(draft.skills), capacity: Number(draft.capacity) || 1 },
      }),
    )
    if (saved) {
      setDraft(empty)
      setEditing(false)
    }
  }
  const remove = async (a: Agent) => {
    if (!confirm(t('agents.confirmDelete', { name: a.name }))) return
    await change(() => api(`/agents/${encodeURIComponent(a.id)}`, { method: 'DELETE' }))
  }
  return (
    <div className="list-page">
      <header className="page-head">
        <h1>{t('agents.title')}</h1>
      </header>
      {(error || message) && <p className="error">{error ?? message}</p>}
      <table className="table">
        <thead>
          <tr>
            <th>{t('agents.agent')}</th>
            <th>{t('agents.skills')}</th>
            <th>{t('agents.capacity')}</th>
            <th>
              <span className="sr-only">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data?.map((a) => (
            <tr key={a.id} data-agent={a.id}>
              <td>
                <strong>{a.name}</strong>
                <div className="muted">{a.id}</div>
              </td>
              <td>
                {Object.entries(a.skills ?? {})
                  .map(([k, v]) => `${k} (${v})`)
                  .join(', ')}
              </td>
              <td>{t('common.number', { n: a.capacity })}</td>
              <td className="row-actions">
                <button
                  type="button"
                  onClick={() => {
                    setEditing(true)
                    setDraft({
                      id: a.id,
                      name: a.name,
                      skills: Object.entries(a.skills ?? {})
                        .map(([k, v]) => `${k}:${v}`)
                        .join(', '),
                      capacity: String(a.capacity),
                    })
                  }}
                >
                  {t('common.edit')}
                </button>
                <button type="button" className="danger" onClick={() => void remove(a)}>
                  {t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="card stacked" onSubmit={(e) => void submit(e)} aria-label={t('agents.agent')}>
        <strong>{editing ? t('agents.editing', { id: draft.id }) : t('agents.new')}</strong>
        <label>
          {t('common.id')}
          <input value={draft.id} required readOnly={editing} placeholder={t('agents.idPlaceholder')} onChange={(e) => setDraft({ ...draft, id: e.target.value })} />
        </label>
        <label>
          {t('common.name')}
          <input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </label>
        <label>
          {t('agents.skills')}
          <input
            value={draft.skills}
            placeholder={`${(skills.data ?? []).map((s) => `${s.name}:10`).join(', ') || 'billing:12, general:8'}`}
            onChange={(e) => setDraft({ ...draft, skills: e.target.value })}
          />
        </label>
        <label>
          {t('agents.capacityLabel')}
          <input type="number" min={1} max={100} value={draft.capacity} onChange={(e) => setDraft({ ...draft, capacity: e.target.value })} />
        </label>
        <div className="actions">
          <button type="submit" className="primary">
            {t('agents.save')}
          </button>
          {editing && (
            <button
              type="button"
              className="link"
              onClick={() => {
                setEditing(false)
                setDraft(empty)
              }}
            >
              {t('common.cancel')}
            </button>
          )}
        </div>
      </form>
      <h2>{t('agents.workspace')}</h2>
      {(workspace.error || workspaceChange.message) && <p className="error">{workspace.error ?? workspaceChange.message}</p>}
      {spec.data && workspace.data && (
        <div className="card workspace-settings">
          <SettingsForm
            key={JSON.stringify(workspace.data)}
            label={t('agents.workspace')}
            catalogue={spec.data}
            fields={settingFields(spec.data.workspace ?? [], null)}
            settings={workspace.data}
            prefix=""
            names={{}}
            saveText={t('agents.saveWorkspace')}
            onSave={async (settings) => {
              await workspaceChange.change(() => api('/workspace/settings', { method: 'PUT', body: settings }))
            }}
          />
        </div>
      )}
    </div>
  )
}
