// Skills: the queues conversations are routed to, with the dispositions agents close them with.

import { useState, type FormEvent } from 'react'
import { api } from '../api/client'
import { useApi, useChange } from '../api/useApi'
import type { Skill } from '../api/types'

interface Draft {
  name: string
  description: string
  dispositions: string
  require_accept: boolean
}

const empty: Draft = { name: '', description: '', dispositions: '', require_accept: false }

export function SkillsPage() {
  const { data, error, reload } = useApi<Skill[]>('/skills')
  const [draft, setDraft] = useState<Draft>(empty)
  const [editing, setEditing] = useState(false)
  const { message, change } = useChange(reload)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const saved = await change(() =>
      api(`/skills/${encodeURIComponent(draft.name.trim())}`, {
        method: 'PUT',
        body: {
          description: draft.description,
          dispositions: draft.dispositions.split(/[,\s]+/).filter(Boolean),
          require_accept: draft.require_accept,
        },
      }),
    )
    if (saved) {
      setDraft(empty)
      setEditing(false)
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
                    setEditing(true)
                    setDraft({ name: s.name, description: s.description, dispositions: (s.dispositions ?? []).join(', '), require_accept: s.require_accept })
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
      <form className="card stacked" onSubmit={(e) => void submit(e)} aria-label="Skill">
        <strong>{editing ? `Edit ${draft.name}` : 'New skill'}</strong>
        <label>
          Name
          <input value={draft.name} required readOnly={editing} placeholder="billing" onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </label>
        <label>
          Description
          <input value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} />
        </label>
        <label>
          Dispositions
          <input value={draft.dispositions} placeholder="solved, invoice_sent, no_answer" onChange={(e) => setDraft({ ...draft, dispositions: e.target.value })} />
        </label>
        <label className="check">
          <input type="checkbox" checked={draft.require_accept} onChange={(e) => setDraft({ ...draft, require_accept: e.target.checked })} /> Agents accept or reject each offer
        </label>
        <div className="actions">
          <button type="submit" className="primary">
            Save skill
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
              Cancel
            </button>
          )}
        </div>
      </form>
    </div>
  )
}
