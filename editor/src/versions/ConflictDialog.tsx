// A save refused because someone saved the draft meanwhile: who and when, what differs between
// their draft and yours, and the choice to take theirs or to overwrite it with yours.

import { useState } from 'react'
import { parse } from 'yaml'
import type { FlowDraft, ServerDiff } from '../api/types'
import { diffFlows } from '../document/diff'
import { modelFromData } from '../document/model'
import { modelOf } from '../document/cache'
import { useDoc } from '../document/store'
import { useT } from '../i18n/I18n'
import { authorName } from '../api/author'

export interface Conflict {
  message: string
  current: FlowDraft
  differences?: ServerDiff
}

export function ConflictDialog({
  conflict,
  onReload,
  onOverwrite,
  onClose,
}: {
  conflict: Conflict
  onReload: () => void
  onOverwrite: () => void
  onClose: () => void
}) {
  const t = useT()
  const d = conflict.differences
  const [reviewing, setReviewing] = useState(false)
  const review = () => {
    setReviewing(true)
    const theirs = modelFromData(parse(conflict.current.source))
    const mine = modelOf(useDoc.getState().text)
    useDoc.getState().setDiffView({ fromLabel: t('conflict.theirDraft', { name: authorName(conflict.current.updated_by) }), toLabel: t('conflict.yours'), from: theirs, to: mine, diff: diffFlows(theirs, mine) })
  }
  return (
    <div className={reviewing ? 'conflict-dock' : 'modal-backdrop'}>
      <div className="modal" role="dialog" aria-modal={!reviewing} aria-labelledby="conflict-title">
        <h2 id="conflict-title">{t('conflict.title')}</h2>
        <p>{conflict.message}</p>
        {d && (
          <ul className="diff-list">
            {d.meta.length > 0 && <li>{t('conflict.changedMeta', { names: d.meta.join(', ') })}</li>}
            {d.added.length > 0 && <li>{t('conflict.adds', { ids: d.added.join(', ') })}</li>}
            {d.removed.length > 0 && <li>{t('conflict.removes', { ids: d.removed.join(', ') })}</li>}
            {d.changed.map((c) => (
              <li key={c.id}>
                {t('conflict.changes', { id: c.id })}
                {c.params?.length ? ` (${t('conflict.params', { names: c.params.join(', ') })})` : ''}
                {c.wires?.length ? ` (${t('conflict.wires', { names: c.wires.map((w) => w.exit).join(', ') })})` : ''}
                {c.type ? ` (${t('conflict.type', { change: c.type.join(' → ') })})` : ''}
              </li>
            ))}
          </ul>
        )}
        <div className="actions">
          {!reviewing && (
            <button type="button" onClick={review}>
              {t('conflict.review')}
            </button>
          )}
          <button
            type="button"
            onClick={() => {
              useDoc.getState().setDiffView(null)
              onReload()
            }}
          >
            {t('conflict.takeTheirs')}
          </button>
          <button type="button" className="danger" onClick={onOverwrite}>
            {t('conflict.overwrite')}
          </button>
          <button
            type="button"
            className="link"
            onClick={() => {
              useDoc.getState().setDiffView(null)
              onClose()
            }}
          >
            {t('conflict.later')}
          </button>
        </div>
      </div>
    </div>
  )
}
