// A mapping of names to values (set's variables, http's headers, a contact's attributes): a row
// per entry, the name and a value of the spec's kind.

import { useT } from '../../i18n/I18n'
import { useState } from 'react'
import type { ParamPath } from '../../document/flowText'
import type { Field } from '../form'
import { useForm } from '../context'
import { ExpressionInput } from './ExpressionInput'

export function MapField({ field, value, path }: { field: Field; value: unknown; path: ParamPath }) {
  const t = useT()
  const ctx = useForm()
  const entries = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>) : []
  const [newKey, setNewKey] = useState('')
  const item = field.item
  const write = (next: [string, unknown][]) => ctx.set(path, next.length ? Object.fromEntries(next) : undefined)
  const rename = (i: number, key: string) => {
    if (key === '' || entries.some(([k], j) => k === key && j !== i)) return
    write(entries.map(([k, v], j) => (j === i ? [key, v] : [k, v])))
  }
  const label = field.label || t('map.entry')
  return (
    <div className="map-field">
      {entries.map(([k, v], i) => (
        <div className="row" key={k}>
          <KeyInput value={k} label={t('map.keyLabel', { label, n: i + 1 })} onCommit={(key) => rename(i, key)} disabled={ctx.readOnly} />
          {item && (item.widget === 'expression' || item.widget === 'template') ? (
            <ExpressionInput
              label={`${label} ${k}`}
              value={v === undefined || v === null ? '' : String(v)}
              template={item.widget === 'template'}
              placeholder={item.placeholder}
              onChange={(t) => ctx.set([...path, k], t)}
            />
          ) : (
            <input
              type="text"
              aria-label={`${label} ${k}`}
              value={v === undefined || v === null ? '' : String(v)}
              disabled={ctx.readOnly}
              onChange={(e) => {
                const t = e.target.value
                const n = Number(t)
                ctx.set([...path, k], item?.widget === 'int' || item?.widget === 'number' ? (t !== '' && Number.isFinite(n) ? n : t) : t)
              }}
            />
          )}
          <button type="button" className="icon" aria-label={t('common.removeItem', { item: k })} disabled={ctx.readOnly} onClick={() => write(entries.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      {!ctx.readOnly && (
        <form
          className="row add"
          onSubmit={(e) => {
            e.preventDefault()
            const key = newKey.trim()
            if (key === '' || entries.some(([k]) => k === key)) return
            write([...entries, [key, item?.widget === 'expression' ? '""' : '']])
            setNewKey('')
          }}
        >
          <input type="text" aria-label={t('map.newKey', { label: label.toLowerCase() })} placeholder={t('map.keyPlaceholder')} value={newKey} onChange={(e) => setNewKey(e.target.value)} />
          <button type="submit" disabled={newKey.trim() === ''}>
            {t('common.addPlus')}
          </button>
        </form>
      )}
    </div>
  )
}

function KeyInput({ value, label, onCommit, disabled }: { value: string; label: string; onCommit: (k: string) => void; disabled: boolean }) {
  const [draft, setDraft] = useState(value)
  return (
    <input
      type="text"
      className="map-key"
      aria-label={label}
      value={draft}
      disabled={disabled}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => (draft !== value ? onCommit(draft.trim()) : undefined)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') (e.target as HTMLInputElement).blur()
      }}
    />
  )
}
