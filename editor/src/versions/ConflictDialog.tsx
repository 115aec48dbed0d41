// A save refused because someone saved the draft meanwhile: who and when, what differs between
// their draft and yours, and the choice to take theirs or to overwrite it with yours.

import { useState } from 'react'
import { parse } from 'yaml'
import type { FlowDraft, ServerDiff } from '../api/types'
import { diffFlows } from '../document/diff'
import { modelFromData } from '../document/model'
import { modelOf } from '../document/cache'
import { useDoc } from '../document/store'

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
  const d = conflict.differences
  const [reviewing, setReviewing] = useState(false)
  const review = () => {
    setReviewing(true)
    const theirs = modelFromData(parse(conflict.current.source))
    const mine = modelOf(useDoc.getState().text)
    useDoc.getState().setDiffView({ fromLabel: `${conflict.current.updated_by}'s draft`, toLabel: 'yours', from: theirs, to: mine, diff: diffFlows(theirs, mine) })
  }
  return (
    <div className={reviewing ? 'conflict-dock' : 'modal-backdrop'}>
      <div className="modal" role="dialog" aria-modal={!reviewing} aria-labelledby="conflict-title">
        <h2 id="conflict-title">Someone saved this flow meanwhile</h2>
        <p>{conflict.message}</p>
        {d && (
          <ul className="diff-list">
            {d.meta.length > 0 && <li>changed {d.meta.join(', ')}</li>}
            {d.added.length > 0 && <li>yours adds {d.added.join(', ')}</li>}
            {d.removed.length > 0 && <li>yours removes {d.removed.join(', ')}</li>}
            {d.changed.map((c) => (
              <li key={c.id}>
                yours changes {c.id}
                {c.params?.length ? ` (params: ${c.params.join(', ')})` : ''}
                {c.wires?.length ? ` (wires: ${c.wires.map((w) => w.exit).join(', ')})` : ''}
                {c.type ? ` (type ${c.type.join(' → ')})` : ''}
              </li>
            ))}
          </ul>
        )}
        <div className="actions">
          {!reviewing && (
            <button type="button" onClick={review}>
              Review on the canvas
            </button>
          )}
          <button
            type="button"
            onClick={() => {
              useDoc.getState().setDiffView(null)
              onReload()
            }}
          >
            Take theirs (drop my changes)
          </button>
          <button type="button" className="danger" onClick={onOverwrite}>
            Overwrite with mine
          </button>
          <button
            type="button"
            className="link"
            onClick={() => {
              useDoc.getState().setDiffView(null)
              onClose()
            }}
          >
            Decide later
          </button>
        </div>
      </div>
    </div>
  )
}
