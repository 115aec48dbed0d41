// Version history: every published version with its author and message; compare two of them
// (or one with the draft on screen) on the canvas, with blocks and wires added, removed and
// changed highlighted; roll back to an old one, after a dialog that says what will be published.

import { useCallback, useEffect, useState } from 'react'
import { errorText } from '../api/client'
import { getVersion, listVersions, rollback } from '../api/flows'
import type { FlowVersion } from '../api/types'
import { modelOf } from '../document/cache'
import { describeDiff, diffFlows, formatValue, isEmptyDiff, paramChanges } from '../document/diff'
import { useDoc } from '../document/store'
import { parse } from 'yaml'
import { modelFromData, type FlowModel } from '../document/model'
import { useT } from '../i18n/I18n'
import { useIntl } from 'react-intl'
import { RollbackDialog } from './RollbackDialog'
import { authorName, authorTokenId } from '../api/author'

export interface VersionsPanelProps {
  flowId: string
  /** Changes when a version is published, to list it. */
  published: number
  /** Called after a rollback made an old version the draft. */
  onRolledBack: () => void
  readOnly: boolean
}

async function modelOfVersion(flowId: string, which: string): Promise<FlowModel> {
  if (which === 'draft') return modelOf(useDoc.getState().text)
  const v = await getVersion(flowId, Number(which))
  return modelFromData(parse(v.source ?? ''))
}

export function VersionsPanel({ flowId, published, onRolledBack, readOnly }: VersionsPanelProps) {
  const t = useT()
  const intl = useIntl()
  const [versions, setVersions] = useState<FlowVersion[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('draft')
  const diffView = useDoc((s) => s.diffView)

  const load = useCallback(async () => {
    try {
      const vs = await listVersions(flowId)
      setVersions(vs)
      setError(null)
      setFrom((f) => f || (vs[0] ? String(vs[0].version) : ''))
    } catch (e) {
      setError(errorText(e))
    }
  }, [flowId])
  useEffect(() => {
    void load()
  }, [load, published])

  const label = (w: string) => (w === 'draft' ? t('versions.theDraft') : t('versions.version', { version: Number(w) }))
  const compare = async (a: string, b: string) => {
    setError(null)
    try {
      const [ma, mb] = await Promise.all([modelOfVersion(flowId, a), modelOfVersion(flowId, b)])
      useDoc.getState().setDiffView({ fromLabel: label(a), toLabel: label(b), from: ma, to: mb, diff: diffFlows(ma, mb) })
    } catch (e) {
      setError(errorText(e))
    }
  }

  // the newest version is the one published: rolling back to it would publish it twice
  const publishedNow = versions?.[0]?.version ?? 0
  const [rollingBack, setRollingBack] = useState<number | null>(null)
  const [busy, setBusy] = useState(false)
  const loadVersion = useCallback((v: number) => modelOfVersion(flowId, String(v)), [flowId])
  const doRollback = async (version: number) => {
    setBusy(true)
    try {
      await rollback(flowId, version, t('versions.rollbackMessage', { version }))
      setRollingBack(null)
      await load()
      onRolledBack()
    } catch (e) {
      setRollingBack(null)
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="versions">
      {error && <p className="error">{error}</p>}
      <form
        className="compare card"
        onSubmit={(e) => {
          e.preventDefault()
          void compare(from, to)
        }}
        aria-label={t('versions.compareLabel')}
      >
        <strong>{t('versions.compare')}</strong>
        <select aria-label={t('versions.from')} value={from} onChange={(e) => setFrom(e.target.value)}>
          {versions?.map((v) => (
            <option key={v.version} value={String(v.version)}>
              {t('versions.version', { version: v.version })}
            </option>
          ))}
          <option value="draft">{t('versions.theDraft')}</option>
        </select>
        {t('versions.with')}
        <select aria-label={t('versions.to')} value={to} onChange={(e) => setTo(e.target.value)}>
          <option value="draft">{t('versions.theDraft')}</option>
          {versions?.map((v) => (
            <option key={v.version} value={String(v.version)}>
              {t('versions.version', { version: v.version })}
            </option>
          ))}
        </select>
        <button type="submit" disabled={!from || !to || from === to}>
          {t('versions.show')}
        </button>
      </form>
      {diffView && (
        <div className="diff-summary card" aria-label={t('versions.differences')}>
          <strong>
            {diffView.fromLabel} → {diffView.toLabel}
          </strong>
          {isEmptyDiff(diffView.diff) ? (
            <p className="muted">{t('versions.noDifferences')}</p>
          ) : (
            <ul>
              {describeDiff(diffView.diff).map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          )}
          {diffView.diff.changed
            .filter((c) => c.params.length > 0)
            .map((c) => (
              <table key={c.id} className="param-diff" data-block={c.id}>
                <caption>{t('versions.paramsOf', { id: c.id })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('versions.parameter')}</th>
                    <th scope="col">{diffView.fromLabel}</th>
                    <th scope="col">{diffView.toLabel}</th>
                  </tr>
                </thead>
                <tbody>
                  {paramChanges(diffView.from, diffView.to, c).map((p) => (
                    <tr key={p.name} data-param={p.name}>
                      <th scope="row">{p.name}</th>
                      <td className="old">{p.from === undefined ? <span className="muted">{t('versions.notSet')}</span> : formatValue(p.from)}</td>
                      <td className="new">{p.to === undefined ? <span className="muted">{t('versions.notSet')}</span> : formatValue(p.to)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          <button type="button" onClick={() => useDoc.getState().setDiffView(null)}>
            {t('editor.backToEditing')}
          </button>
        </div>
      )}
      <ol className="version-list">
        {versions?.map((v) => (
          <li key={v.version} data-version={v.version}>
            <div>
              <strong>{t('versions.title', { version: v.version })}</strong>{' '}
              <span className="muted">{intl.formatDate(new Date(v.created_at), { dateStyle: 'medium', timeStyle: 'short' })}</span>
            </div>
            <div>{v.message || <span className="muted">{t('versions.noMessage')}</span>}</div>
            <div className="muted" title={authorTokenId(v.author)}>
              {t('versions.by', { author: authorName(v.author) })}
            </div>
            <div className="row-actions">
              <button type="button" onClick={() => void compare(String(v.version), 'draft')}>
                {t('versions.compareWithDraft')}
              </button>
              {v.version > 1 && (
                <button type="button" onClick={() => void compare(String(v.version - 1), String(v.version))}>
                  {t('versions.whatChanged')}
                </button>
              )}
              {v.version === publishedNow ? (
                <span className="published-tag">{t('versions.published')}</span>
              ) : (
                <button type="button" disabled={readOnly} onClick={() => setRollingBack(v.version)}>
                  {t('versions.rollback')}
                </button>
              )}
            </div>
          </li>
        ))}
        {versions?.length === 0 && <li className="muted">{t('versions.never')}</li>}
      </ol>
      {rollingBack !== null && (
        <RollbackDialog
          version={rollingBack}
          published={publishedNow}
          dirty={useDoc.getState().saved?.text !== useDoc.getState().text}
          busy={busy}
          load={loadVersion}
          onRollback={() => void doRollback(rollingBack)}
          onClose={() => setRollingBack(null)}
        />
      )}
    </div>
  )
}
