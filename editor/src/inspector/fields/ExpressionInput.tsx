// A text field for expressions and templates with completion of interaction., contact., vars.,
// flow. and the helper functions: type, then pick with the arrows and Enter or Tab.

import { useT } from '../../i18n/I18n'
import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { completionsAt, type CompletionResult } from '../completion'
import { useForm } from '../context'

export interface ExpressionInputProps {
  value: string
  onChange: (v: string) => void
  template: boolean
  placeholder?: string
  label: string
  multiline?: boolean
  invalid?: boolean
}

export function ExpressionInput({ value, onChange, template, placeholder, label, multiline, invalid }: ExpressionInputProps) {
  const t = useT()
  const ctx = useForm()
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null)
  const [cursor, setCursor] = useState<number | null>(null)
  const [active, setActive] = useState(0)
  const [dismissed, setDismissed] = useState(false)
  // The caret a picked completion leaves, placed once the field shows the completed value and
  // before the next key is handled: placed later, it would move back over what was typed since.
  const caret = useRef<{ value: string; at: number } | null>(null)
  useLayoutEffect(() => {
    const c = caret.current
    if (c && ref.current && ref.current.value === c.value) {
      ref.current.setSelectionRange(c.at, c.at)
      caret.current = null
    }
  })

  const result: CompletionResult | null = useMemo(() => {
    if (cursor === null || dismissed) return null
    return completionsAt(value.slice(0, cursor), ctx.environment, ctx.functions, ctx.variables, template)
  }, [cursor, dismissed, value, ctx.environment, ctx.functions, ctx.variables, template])

  const pick = (i: number) => {
    if (!result || cursor === null) return
    const label = result.items[i].label
    const next = value.slice(0, result.from) + label + value.slice(cursor)
    const at = result.from + label.length
    caret.current = { value: next, at }
    onChange(next)
    setCursor(at)
    setActive(0)
    ref.current?.focus()
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (!result) return
    if (e.key === 'ArrowDown') {
      e.preventDefault()
      setActive((a) => (a + 1) % result.items.length)
    } else if (e.key === 'ArrowUp') {
      e.preventDefault()
      setActive((a) => (a - 1 + result.items.length) % result.items.length)
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault()
      pick(Math.min(active, result.items.length - 1))
    } else if (e.key === 'Escape') {
      e.stopPropagation()
      setDismissed(true)
    }
  }

  const common = {
    ref,
    value,
    'aria-label': label,
    'aria-invalid': invalid || undefined,
    'aria-autocomplete': 'list' as const,
    placeholder,
    spellCheck: false,
    className: `expr${template ? ' template' : ''}`,
    disabled: ctx.readOnly,
    onChange: (e: { target: { value: string; selectionStart: number | null } }) => {
      caret.current = null // typing places the caret itself
      setDismissed(false)
      setCursor(e.target.selectionStart)
      setActive(0)
      onChange(e.target.value)
    },
    onKeyDown,
    onKeyUp: (e: KeyboardEvent) => {
      if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) setCursor((e.target as HTMLInputElement).selectionStart)
    },
    onClick: () => setCursor(ref.current?.selectionStart ?? null),
    onBlur: () => setTimeout(() => setCursor(null), 150),
  }
  return (
    <div className="expr-wrap">
      {multiline ? <textarea rows={2} {...common} /> : <input {...common} />}
      {result && (
        <ul className="completions" role="listbox" aria-label={t('expr.completions', { label })}>
          {result.items.map((c, i) => (
            <li
              key={c.label}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault()
                pick(i)
              }}
            >
              <span className="c-label">{c.label}</span>
              <span className="c-detail">{c.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
