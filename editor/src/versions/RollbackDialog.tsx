// Rolling back: an in-app dialog that says which version will be published again, as which
// number, and what that changes against the version published now, before anything happens.

import { useEffect, useState } from 'react'
import { errorText } from '../api/client'
import { describeDiff, diffFlows, isEmptyDiff } from '../document/diff'
import type { FlowModel } from '../document/model'
import { useT } from '../i18n/I18n'

export interface RollbackDialogProps {
  /** The version to publish again. */
  version: number
  /** The version published now (the newest). */
  published: number
  /** Whether the draft has unsaved changes, which the rollback replaces. */
  dirty: boolean
  busy: boolean
  /** Loads a published version's model, to compare it with the one published now. */
  load: (version: number) => Promise<FlowModel>
  onRollback: () => void
  onClose: () => void
}

export function RollbackDialog(props: RollbackDialogProps) {
  const t = useT()
  const { version, published, load } = props
  const [changes, setChanges] = useState<string[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    Promise.all([load(published), load(version)])
      .then(([now, then]) => {
        if (!live) return
        const d = diffFlows(now, then)
        setChanges(isEmptyDiff(d) ? [] : describeDiff(d))
      })
      .catch((e: unknown) => live && setError(errorText(e)))
    return () => {
      live = false
    }
  }, [load, version, published])
  return (
    <div className="modal-backdrop">
      <form
        className="modal rollback-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="rollback-title"
        onSubmit={(e) => {
          e.preventDefault()
          props.onRollback()
        }}
      >
        <h2 id="rollback-title">{t('rollback.title', { version })}</h2>
        <p>{t('rollback.what', { version, next: published + 1 })}</p>
        {props.dirty && <p className="error">{t('rollback.dirty')}</p>}
        <strong>{t('rollback.changes', { published })}</strong>
        {error && <p className="error">{error}</p>}
        {changes === null && !error && <p className="muted">{t('common.loading')}</p>}
        {changes?.length === 0 && <p className="muted">{t('versions.noDifferences')}</p>}
        {changes && changes.length > 0 && (
          <ul className="rollback-changes">
            {changes.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={props.busy}>
            {t('rollback.submit', { version })}
          </button>
          <button type="button" className="link" autoFocus onClick={props.onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </div>
  )
}
