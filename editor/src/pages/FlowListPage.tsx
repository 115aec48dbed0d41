// The flows: open, create, rename, delete, import a file and export one as YAML or JSON.

import { useRef, useState, type FormEvent } from 'react'
import { api, errorText } from '../api/client'
import { downloadFlow } from '../api/download'
import { fetchDraft } from '../api/flows'
import { useApi } from '../api/useApi'
import type { FlowDraft, FlowSummary } from '../api/types'
import { parseFlowText, printFlow, setFlowField } from '../document/flowText'
import { Link, navigate } from '../router'
import { useT } from '../i18n/I18n'
import { authorName } from '../api/author'
import { stringify } from 'yaml'
import { useCatalogue } from '../catalogue/useCatalogue'

/** The source of a new flow that starts at a trigger of this type, or with no block at all. */
export function newFlowSource(id: string, name: string, trigger: string): string {
  const blocks = trigger ? { start: { type: trigger, ui: { x: 40, y: 200 } } } : {}
  return stringify({ switchboard: 1, id, name: name || id, blocks }, { flowCollectionPadding: false })
}

export function FlowListPage() {
  const t = useT()
  const { data: flows, error, reload } = useApi<FlowSummary[]>('/flows')
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null)
  const [newId, setNewId] = useState('')
  const [newName, setNewName] = useState('')
  // what a new flow starts with: a trigger the designer picks, or nothing (the palette beside)
  const { catalogue } = useCatalogue()
  const triggers = (catalogue?.blocks ?? []).filter((b) => b.trigger)
  const [start, setStart] = useState<string | null>(null)
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null)
  const fileRef = useRef<HTMLInputElement>(null)

  const run = async (what: () => Promise<string | void>) => {
    setMessage(null)
    try {
      const text = await what()
      if (text) setMessage({ text })
      await reload()
    } catch (e) {
      setMessage({ text: errorText(e), error: true })
    }
  }

  const create = (e: FormEvent) => {
    e.preventDefault()
    void run(async () => {
      const trigger = start ?? ''
      const f = await api<FlowDraft>('/flows', { method: 'POST', body: { source: newFlowSource(newId.trim(), newName.trim(), trigger), format: 'yaml' } })
      navigate(`/flows/${f.id}`)
    })
  }

  const rename = (e: FormEvent) => {
    e.preventDefault()
    if (!renaming) return
    const { id, name } = renaming
    void run(async () => {
      const res = await fetchDraft(id)
      let source = res.flow.source
      if (res.flow.format === 'json') {
        const data = JSON.parse(source) as Record<string, unknown>
        data.name = name
        source = JSON.stringify(data, null, 2) + '\n'
      } else {
        const doc = parseFlowText(source)
        setFlowField(doc, 'name', name)
        source = printFlow(doc)
      }
      await api(`/flows/${encodeURIComponent(id)}`, {
        method: 'PUT',
        headers: { 'If-Match': res.etag },
        body: { source, format: res.flow.format },
      })
      setRenaming(null)
      return t('flows.renamed', { id, name })
    })
  }

  const remove = (f: FlowSummary) => {
    if (!confirm(t('flows.confirmDelete', { name: f.name, id: f.id, versions: f.latest_version }))) return
    void run(async () => {
      await api(`/flows/${encodeURIComponent(f.id)}`, { method: 'DELETE' })
      return t('flows.deleted', { id: f.id })
    })
  }

  const importFile = (file: File) => {
    void run(async () => {
      const text = await file.text()
      const json = file.name.endsWith('.json') || text.trimStart().startsWith('{')
      const f = await api<FlowDraft>('/flows/import', {
        method: 'POST',
        raw: { data: text, type: json ? 'application/json' : 'application/yaml' },
      })
      return t('flows.imported', { file: file.name, id: f.id, problems: f.diagnostics?.length ?? 0 })
    })
  }

  return (
    <div className="list-page">
      <header className="page-head">
        <h1>{t('flows.title')}</h1>
        <div className="actions">
          <button type="button" onClick={() => fileRef.current?.click()}>
            {t('flows.import')}
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".yaml,.yml,.json"
            hidden
            data-testid="import-file"
            onChange={(e) => {
              const f = e.target.files?.[0]
              if (f) importFile(f)
              e.target.value = ''
            }}
          />
        </div>
      </header>
      {error && <p className="error">{error}</p>}
      {message && (
        <p className={message.error ? 'error' : 'notice'} role="status">
          {message.text}
        </p>
      )}
      <form className="inline-form card" onSubmit={create} aria-label={t('flows.new')}>
        <strong>{t('flows.new')}</strong>
        <input
          name="id"
          aria-label={t('common.id')}
          placeholder={t('flows.idPlaceholder')}
          value={newId}
          pattern="[a-z0-9][a-z0-9_\-]{0,63}"
          required
          onChange={(e) => setNewId(e.target.value)}
        />
        <input name="name" aria-label={t('common.name')} placeholder={t('common.name')} value={newName} onChange={(e) => setNewName(e.target.value)} />
        <label>
          {t('flows.startWith')}{' '}
          <select aria-label={t('flows.startWith')} value={start ?? ''} onChange={(e) => setStart(e.target.value)}>
            <option value="">{t('flows.emptyCanvas')}</option>
            {triggers.map((b) => (
              <option key={b.type} value={b.type} data-block={b.type}>
                {b.title}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          {t('common.create')}
        </button>
      </form>
      <table className="table flows">
        <thead>
          <tr>
            <th>{t('flows.flow')}</th>
            <th>{t('flows.published')}</th>
            <th>{t('flows.draftSaved')}</th>
            <th>
              <span className="sr-only">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(flows ?? []).map((f) => (
            <tr key={f.id} data-flow={f.id}>
              <td>
                {renaming?.id === f.id ? (
                  <form onSubmit={rename} className="inline-form">
                    <input
                      aria-label={t('flows.newName')}
                      value={renaming.name}
                      autoFocus
                      onChange={(e) => setRenaming({ id: f.id, name: e.target.value })}
                    />
                    <button type="submit">{t('flows.saveName')}</button>
                    <button type="button" className="link" onClick={() => setRenaming(null)}>
                      {t('common.cancel')}
                    </button>
                  </form>
                ) : (
                  <>
                    <Link to={`/flows/${f.id}`} className="flow-name">
                      {f.name}
                    </Link>
                    <div className="muted">
                      {f.id}
                      {f.description ? ` — ${f.description}` : ''}
                    </div>
                  </>
                )}
              </td>
              <td>{f.latest_version ? t('flows.version', { version: f.latest_version }) : t('flows.never')}</td>
              <td className="muted">{t('common.atBy', { at: new Date(f.updated_at), by: authorName(f.updated_by) })}</td>
              <td className="row-actions">
                <button type="button" onClick={() => setRenaming({ id: f.id, name: f.name })}>
                  {t('flows.rename')}
                </button>
                <button type="button" onClick={() => void run(() => downloadFlow(f.id, 'yaml'))}>
                  YAML
                </button>
                <button type="button" onClick={() => void run(() => downloadFlow(f.id, 'json'))}>
                  JSON
                </button>
                <button type="button" className="danger" onClick={() => remove(f)}>
                  {t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {flows && flows.length === 0 && <p className="muted">{t('flows.empty')}</p>}
    </div>
  )
}
