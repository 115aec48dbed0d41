// The bar above the canvas: the flow's name, whether the draft is saved, its problems, and the
// commands (undo, redo, copy, paste, auto-layout, find, save, publish).

import { useStore } from 'zustand'
import { modelOf } from '../document/cache'
import { redo, undo, useDoc } from '../document/store'
import type { Commands } from './useCommands'

export interface ToolbarProps {
  id: string
  busy: string | null
  readOnly: boolean
  counts: { errors: number; warnings: number }
  commands: Commands
  onFind: () => void
  onSave: () => void
  onPublish: () => void
}

export function Toolbar({ id, busy, readOnly, counts, commands, onFind, onSave, onPublish }: ToolbarProps) {
  const name = useDoc((s) => modelOf(s.text).name)
  const saved = useDoc((s) => s.saved)
  const dirty = useDoc((s) => s.saved !== null && s.text !== s.saved.text)
  const canUndo = useStore(useDoc.temporal, (s) => s.pastStates.length > 0)
  const canRedo = useStore(useDoc.temporal, (s) => s.futureStates.length > 0)
  return (
    <header className="toolbar" aria-label="Toolbar">
      <div className="flow-title">
        <strong>{name || id}</strong>
        <code>{id}</code>
        <span className={dirty ? 'badge unsaved' : 'badge'} data-testid="save-state">
          {busy ?? (dirty ? 'unsaved changes' : `saved · revision ${saved?.revision}`)}
        </span>
        <span className="muted">{saved?.latestVersion ? `published v${saved.latestVersion}` : 'never published'}</span>
        <span className={counts.errors ? 'badge error' : 'badge ok'} title="problems">
          {counts.errors} errors · {counts.warnings} warnings
        </span>
      </div>
      <div className="tools">
        <button type="button" onClick={undo} disabled={!canUndo || readOnly} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button type="button" onClick={redo} disabled={!canRedo || readOnly} title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
        <button type="button" onClick={() => void commands.copy()} title="Copy the selected blocks (Ctrl+C)">
          Copy
        </button>
        <button type="button" onClick={() => void commands.paste()} disabled={readOnly} title="Paste blocks (Ctrl+V)">
          Paste
        </button>
        <button type="button" onClick={() => void commands.autoLayout()} disabled={readOnly}>
          Auto-layout
        </button>
        <button type="button" onClick={onFind} title="Find a block (Ctrl+F)">
          Find
        </button>
        <button type="button" onClick={onSave} disabled={!dirty || readOnly || busy !== null} title="Save the draft (Ctrl+S)">
          Save
        </button>
        <button type="button" className="primary" onClick={onPublish} disabled={readOnly || busy !== null}>
          Publish…
        </button>
      </div>
    </header>
  )
}
