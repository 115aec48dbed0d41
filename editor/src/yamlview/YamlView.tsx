// The flow as YAML, editable. A text that parses updates the canvas at once; one that does not
// shows where the syntax breaks and leaves the canvas as it was. Edits on the canvas show here.

import { useEffect, useRef, useState } from 'react'
import { useDoc } from '../document/store'
import { syntaxError } from '../document/flowText'
import { useT } from '../i18n/I18n'

export function YamlView({ readOnly }: { readOnly: boolean }) {
  const t = useT()
  const text = useDoc((s) => s.text)
  const diagnostics = useDoc((s) => s.diagnostics)
  const [draft, setDraft] = useState(text)
  const [error, setError] = useState<ReturnType<typeof syntaxError>>(null)
  const area = useRef<HTMLTextAreaElement>(null)
  const gutter = useRef<HTMLDivElement>(null)
  const committed = useRef(text)
  // after Escape, Tab leaves the text instead of indenting it, so the keyboard is never trapped
  const released = useRef(false)

  // a change made elsewhere (canvas, inspector, undo) replaces what is shown
  useEffect(() => {
    if (text !== committed.current) {
      committed.current = text
      setDraft(text)
      setError(null)
    }
  }, [text])

  const onChange = (v: string) => {
    setDraft(v)
    const err = syntaxError(v)
    setError(err)
    if (!err) {
      committed.current = v
      useDoc.getState().replaceText(v, 'yaml-view')
    }
  }

  const lines = draft.split('\n').length
  const problemLines = new Map<number, string>()
  if (draft === text) for (const d of diagnostics) if (!problemLines.has(d.line) || d.severity === 'error') problemLines.set(d.line, d.severity)
  if (error) problemLines.set(error.line, 'error')

  const goTo = (line: number) => {
    const el = area.current
    if (!el) return
    const offset = draft.split('\n').slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0)
    el.focus()
    el.setSelectionRange(offset, offset)
    el.scrollTop = Math.max(0, (line - 5) * 18)
  }

  return (
    <div className="yaml-view">
      {error ? (
        <button type="button" className="syntax-error" role="alert" onClick={() => goTo(error.line)}>
          {t('yaml.syntaxError', { line: error.line, column: error.column, message: error.message })}
        </button>
      ) : (
        <div className="muted yaml-hint">{t('yaml.hint')}</div>
      )}
      <div className="muted yaml-hint" id="yaml-keys">
        {t('yaml.keys')}
      </div>
      <div className="yaml-editor">
        <div className="gutter" ref={gutter} aria-hidden>
          {Array.from({ length: lines }, (_, i) => (
            <div key={i} className={problemLines.get(i + 1)}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={area}
          aria-label={t('yaml.label')}
          aria-describedby="yaml-keys"
          spellCheck={false}
          wrap="off"
          value={draft}
          readOnly={readOnly}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop
          }}
          onBlur={() => {
            released.current = false
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              released.current = true
              return
            }
            if (e.key === 'Tab' && (released.current || readOnly || e.shiftKey || e.ctrlKey || e.metaKey || e.altKey)) return
            released.current = false
            if (e.key === 'Tab') {
              e.preventDefault()
              const el = e.currentTarget
              const { selectionStart: s, selectionEnd: end } = el
              const v = draft.slice(0, s) + '  ' + draft.slice(end)
              onChange(v)
              requestAnimationFrame(() => el.setSelectionRange(s + 2, s + 2))
            }
          }}
        />
      </div>
    </div>
  )
}
