// A sticky note: text on the canvas for the people reading the flow, kept in the document's
// top-level ui.notes. Double-click to write; drag the corner to resize.

import { memo, useEffect, useState } from 'react'
import { NodeResizer, type NodeProps } from '@xyflow/react'
import type { NoteNode as NoteNodeType } from './graph'
import { modelOf } from '../document/cache'
import { useDoc } from '../document/store'
import { useT } from '../i18n/I18n'

function NoteNodeView({ data, selected }: NodeProps<NoteNodeType>) {
  const t = useT()
  const { note, readOnly } = data
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState(note.text)
  useEffect(() => setText(note.text), [note.text])
  const save = (patch: Partial<typeof note>) => {
    const model = modelOf(useDoc.getState().text)
    useDoc.getState().setNotes(model.notes.map((n) => (n.id === note.id ? { ...n, ...patch } : n)))
  }
  return (
    <div className={`note-node${selected ? ' selected' : ''}`} data-note={note.id} onDoubleClick={() => !readOnly && setEditing(true)}>
      <NodeResizer
        isVisible={selected && !readOnly}
        minWidth={120}
        minHeight={60}
        onResizeEnd={(_, p) => save({ x: p.x, y: p.y, width: p.width, height: p.height })}
      />
      {editing ? (
        <textarea
          className="nodrag nowheel"
          autoFocus
          value={text}
          aria-label={t('note.text')}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => {
            setEditing(false)
            if (text !== note.text) save({ text })
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') (e.target as HTMLTextAreaElement).blur()
          }}
        />
      ) : (
        <div className="note-text">{note.text || t('note.empty')}</div>
      )}
    </div>
  )
}

export const NoteNode = memo(NoteNodeView)
