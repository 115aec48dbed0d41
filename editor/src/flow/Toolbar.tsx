// The bar above the canvas: the flow's name, whether the draft is saved, its problems, and the
// commands (undo, redo, copy, paste, auto-layout, find, save, publish).

import { useStore } from 'zustand'
import { modelOf } from '../document/cache'
import { redo, undo, useDoc } from '../document/store'
import type { Commands } from './useCommands'
import { useT } from '../i18n/I18n'

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
  const t = useT()
  const name = useDoc((s) => modelOf(s.text).name)
  const saved = useDoc((s) => s.saved)
  const dirty = useDoc((s) => s.saved !== null && s.text !== s.saved.text)
  const canUndo = useStore(useDoc.temporal, (s) => s.pastStates.length > 0)
  const canRedo = useStore(useDoc.temporal, (s) => s.futureStates.length > 0)
  return (
    <header className="toolbar" aria-label={t('toolbar.label')}>
      <div className="flow-title">
        <strong>{name || id}</strong>
        <code>{id}</code>
        <span className={dirty ? 'badge unsaved' : 'badge'} data-testid="save-state">
          {busy ?? (dirty ? t('toolbar.unsaved') : t('toolbar.saved', { revision: saved?.revision ?? 0 }))}
        </span>
        <span className="muted">{saved?.latestVersion ? t('toolbar.published', { version: saved.latestVersion }) : t('toolbar.neverPublished')}</span>
        <span className={counts.errors ? 'badge error' : 'badge ok'} title={t('problems.title')}>
          {t('toolbar.counts', { errors: counts.errors, warnings: counts.warnings })}
        </span>
      </div>
      <div className="tools">
        <button type="button" onClick={undo} disabled={!canUndo || readOnly} title={t('toolbar.undoHint')}>
          {t('toolbar.undo')}
        </button>
        <button type="button" onClick={redo} disabled={!canRedo || readOnly} title={t('toolbar.redoHint')}>
          {t('toolbar.redo')}
        </button>
        <button type="button" onClick={() => void commands.copy()} title={t('toolbar.copyHint')}>
          {t('toolbar.copy')}
        </button>
        <button type="button" onClick={() => void commands.paste()} disabled={readOnly} title={t('toolbar.pasteHint')}>
          {t('toolbar.paste')}
        </button>
        {commands.layout ? (
          <span className="layout-state" role="status" data-testid="layout-state">
            {commands.layout.progress === null
              ? t('toolbar.layingOut', { count: commands.layout.blocks })
              : t('toolbar.layingOutProgress', { count: commands.layout.blocks, done: commands.layout.progress })}
            <progress max={1} value={commands.layout.progress ?? undefined} aria-hidden />
            <button type="button" onClick={commands.cancelLayout}>
              {t('common.cancel')}
            </button>
          </span>
        ) : (
          <button type="button" onClick={() => void commands.autoLayout()} disabled={readOnly}>
            {t('toolbar.autoLayout')}
          </button>
        )}
        <button type="button" onClick={onFind} title={t('toolbar.findHint')}>
          {t('toolbar.find')}
        </button>
        <button type="button" onClick={onSave} disabled={!dirty || readOnly || busy !== null} title={t('toolbar.saveHint')}>
          {t('toolbar.save')}
        </button>
        <button type="button" className="primary" onClick={onPublish} disabled={readOnly || busy !== null}>
          {t('toolbar.publish')}
        </button>
      </div>
    </header>
  )
}
