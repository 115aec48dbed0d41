// Special days: dates, ranges of dates, and the same every year, picked with date inputs.

import { useState } from 'react'
import type { ParamPath } from '../../document/flowText'
import { asList, type Field } from '../form'
import { useForm } from '../context'
import { describeDateSpec, formatDateSpec, parseDateSpec, type DateSpecKind } from '../dateSpec'

export function DateListField({ field, value, path }: { field: Field; value: unknown; path: ParamPath }) {
  const ctx = useForm()
  const items = asList(value).map(String)
  const [kind, setKind] = useState<DateSpecKind>('date')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const yearly = kind === 'yearly' || kind === 'yearly-range'
  const ranged = kind === 'range' || kind === 'yearly-range'
  const spec = from ? formatDateSpec({ kind, from: yearly ? from.slice(5) : from, to: ranged && to ? (yearly ? to.slice(5) : to) : undefined }) : ''
  const valid = spec !== '' && parseDateSpec(spec) !== null && (!ranged || to !== '')
  const write = (next: string[]) => ctx.set(path, next.length ? next : undefined)
  return (
    <div className="date-list">
      <ul>
        {items.map((d, i) => (
          <li key={`${d}-${i}`} className={parseDateSpec(d) ? undefined : 'bad'}>
            <code>{d}</code> <span className="muted">{describeDateSpec(d)}</span>
            {!ctx.readOnly && (
              <button type="button" className="icon" aria-label={`Remove ${d}`} onClick={() => write(items.filter((_, j) => j !== i))}>
                ×
              </button>
            )}
          </li>
        ))}
        {items.length === 0 && <li className="muted">no dates</li>}
      </ul>
      {!ctx.readOnly && (
        <div className="add-date">
          <select aria-label={`Kind of ${field.label.toLowerCase()} entry`} value={kind} onChange={(e) => setKind(e.target.value as DateSpecKind)}>
            <option value="date">a date</option>
            <option value="range">from a date to another</option>
            <option value="yearly">every year on</option>
            <option value="yearly-range">every year from</option>
          </select>
          <input type="date" aria-label="From" value={from} onChange={(e) => setFrom(e.target.value)} />
          {ranged && <input type="date" aria-label="To" value={to} onChange={(e) => setTo(e.target.value)} />}
          <button
            type="button"
            disabled={!valid}
            onClick={() => {
              write([...items, spec])
              setFrom('')
              setTo('')
            }}
          >
            Add
          </button>
        </div>
      )}
    </div>
  )
}
