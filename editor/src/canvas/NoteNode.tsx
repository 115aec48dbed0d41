// A sticky note: text on the canvas for the people reading the flow, kept in the document's
// top-level ui.notes. A new note opens for writing; double-click to write again; drag the
// corner to resize.

import { memo, useEffect, useState } from 'react'
import { NodeResizer, type NodeProps } from '@xyflow/react'
import type { NoteNode as NoteNodeType } from './graph'
import { modelOf } from '../document/cache'
import { useDoc } from '../document/store'
import { useT } from '../i18n/I18n'

/** The note that opens for writing when it is first drawn: the one just added. */
let writeNext: string | null = null

/** Asks for the note with this id to open for writing when it is first drawn. */
export function editNoteWhenShown(id: string): void {
  writeNext = id
}

function NoteNodeView({ data, selected }: NodeProps<NoteNodeType>) {
  const t = useT()
  const { note, readOnly } = data
  const [editing, setEditing] = useState(() => {
    if (writeNext !== note.id || readOnly) return false
    writeNext = null
    return true
  })
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
          placeholder={t('note.placeholder')}
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
