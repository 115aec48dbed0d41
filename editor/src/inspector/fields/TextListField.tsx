// A list of texts, templates or expressions: one row each, added, removed and reordered. A list
// that may be written as its single element (a reply's text) is written so when it has one.
// In a list of plain texts (keywords), a pasted list split on commas or lines becomes one row per
// entry, and Enter adds the next row.

import { useEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react'
import { useT } from '../../i18n/I18n'
import { asList, fromList, splitPasted, type Field } from '../form'
import type { ParamPath } from '../../document/flowText'
import { useForm } from '../context'
import { ExpressionInput } from './ExpressionInput'

export function TextListField({ field, value, path }: { field: Field; value: unknown; path: ParamPath }) {
  const t = useT()
  const ctx = useForm()
  const items = asList(value).map((v) => (v === null || v === undefined ? '' : String(v)))
  const item = field.item
  const write = (next: string[]) => ctx.set(path, fromList(next, field.orSingle))
  const single = field.orSingle && !Array.isArray(value)
  const label = field.label || t('list.item')
  // the row to focus once the list has grown (after Enter or a paste)
  const rows = useRef<(HTMLInputElement | null)[]>([])
  const [focusRow, setFocusRow] = useState<number | null>(null)
  useEffect(() => {
    if (focusRow === null || focusRow >= items.length) return
    rows.current[focusRow]?.focus()
    setFocusRow(null)
  }, [focusRow, items.length])
  const onPaste = (i: number) => (e: ClipboardEvent<HTMLInputElement>) => {
    const parts = splitPasted(e.clipboardData.getData('text'))
    if (!parts || ctx.readOnly) return
    e.preventDefault()
    const el = e.currentTarget
    const before = el.value.slice(0, el.selectionStart ?? el.value.length)
    const after = el.value.slice(el.selectionEnd ?? el.value.length)
    const pasted = [...parts]
    pasted[0] = before + pasted[0]
    pasted[pasted.length - 1] += after
    write([...items.slice(0, i), ...pasted, ...items.slice(i + 1)])
    setFocusRow(i + pasted.length - 1)
  }
  const onEnter = (i: number) => (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter' || e.nativeEvent.isComposing || ctx.readOnly) return
    e.preventDefault()
    write([...items.slice(0, i + 1), '', ...items.slice(i + 1)])
    setFocusRow(i + 1)
  }
  return (
    <div className="text-list">
      {items.map((v, i) => (
        <div className="row" key={i}>
          {item && (item.widget === 'template' || item.widget === 'expression') ? (
            <ExpressionInput
              label={`${label} ${i + 1}`}
              value={v}
              template={item.widget === 'template'}
              multiline={item.widget === 'template'}
              placeholder={item.placeholder}
              onChange={(t) => (single ? ctx.set(path, t === '' ? undefined : t) : ctx.set([...path, i], t))}
            />
          ) : (
            <input
              type="text"
              aria-label={`${label} ${i + 1}`}
              value={v}
              placeholder={item?.placeholder}
              disabled={ctx.readOnly}
              ref={(el) => {
                rows.current[i] = el
              }}
              onPaste={onPaste(i)}
              onKeyDown={onEnter(i)}
              onChange={(e) => (single ? ctx.set(path, e.target.value === '' ? undefined : e.target.value) : ctx.set([...path, i], e.target.value))}
            />
          )}
          <div className="row-tools">
            <button type="button" className="icon" title={t('list.moveUp')} aria-label={t('list.moveUp')} disabled={ctx.readOnly || i === 0} onClick={() => ctx.move(path, i, i - 1)}>
              ↑
            </button>
            <button type="button" className="icon" title={t('list.remove')} aria-label={t('list.removeNth', { item: label, n: i + 1 })} disabled={ctx.readOnly} onClick={() => write(items.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        </div>
      ))}
      {(items.length === 0 || field.widget === 'text-list') && (
        <button type="button" className="add" disabled={ctx.readOnly} onClick={() => write([...items, ''])}>
          {items.length === 0 ? t('list.addItem', { item: label.toLowerCase() }) : field.orSingle ? t('list.addVariant') : t('common.addPlus')}
        </button>
      )}
    </div>
  )
}
