// Skills: the queues conversations are routed to, with the dispositions agents close them with.

import { useState } from 'react'
import { api } from '../api/client'
import { useApi, useChange } from '../api/useApi'
import type { Skill } from '../api/types'
import { SettingsForm } from '../settings/SettingsForm'
import { settingFields, type SettingsCatalogue } from '../settings/settingsForm'

export function SkillsPage() {
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
    if (!confirm(`Delete the skill ${s.name}?`)) return
    await change(() => api(`/skills/${encodeURIComponent(s.name)}`, { method: 'DELETE' }))
  }
  return (
    <div className="list-page">
      <header className="page-head">
        <h1>Skills</h1>
      </header>
      {(error || message) && <p className="error">{error ?? message}</p>}
      <table className="table">
        <thead>
          <tr>
            <th>Skill</th>
            <th>Dispositions</th>
            <th>Agents accept offers</th>
            <th />
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
              <td>{s.require_accept ? 'yes' : 'no'}</td>
              <td className="row-actions">
                <button
                  type="button"
                  onClick={() => {
                    setEditing(s)
                    setName(s.name)
                  }}
                >
                  Edit
                </button>
                <button type="button" className="danger" onClick={() => void remove(s)}>
                  Delete
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
            label="Skill"
            catalogue={spec.data}
            fields={settingFields(spec.data.skill, null)}
            settings={editing ? { ...editing } : {}}
            prefix=""
            names={{}}
            saveText="Save skill"
            onSave={save}
          >
            <strong>{editing ? `Edit ${editing.name}` : 'New skill'}</strong>
            <label>
              Name
              <input value={name} required readOnly={editing !== null} placeholder="billing" onChange={(e) => setName(e.target.value)} />
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
                Cancel
              </button>
            )}
          </SettingsForm>
        </div>
      )}
    </div>
  )
}
