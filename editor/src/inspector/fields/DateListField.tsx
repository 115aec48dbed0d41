// Special days: dates, ranges of dates, and the same every year, picked with date inputs.

import { useT } from '../../i18n/I18n'
import { useState } from 'react'
import type { ParamPath } from '../../document/flowText'
import { asList, type Field } from '../form'
import { useForm } from '../context'
import { describeDateSpec, formatDateSpec, parseDateSpec, type DateSpecKind } from '../dateSpec'

export function DateListField({ field, value, path }: { field: Field; value: unknown; path: ParamPath }) {
  const t = useT()
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
              <button type="button" className="icon" aria-label={t('common.removeItem', { item: d })} onClick={() => write(items.filter((_, j) => j !== i))}>
                ×
              </button>
            )}
          </li>
        ))}
        {items.length === 0 && <li className="muted">{t('dates.none')}</li>}
      </ul>
      {!ctx.readOnly && (
        <div className="add-date">
          <select aria-label={t('dates.kindOf', { field: field.label.toLowerCase() })} value={kind} onChange={(e) => setKind(e.target.value as DateSpecKind)}>
            <option value="date">{t('dates.kind.date')}</option>
            <option value="range">{t('dates.kind.range')}</option>
            <option value="yearly">{t('dates.kind.yearly')}</option>
            <option value="yearly-range">{t('dates.kind.yearlyRange')}</option>
          </select>
          <input type="date" aria-label={t('dates.from')} value={from} onChange={(e) => setFrom(e.target.value)} />
          {ranged && <input type="date" aria-label={t('dates.to')} value={to} onChange={(e) => setTo(e.target.value)} />}
          <button
            type="button"
            disabled={!valid}
            onClick={() => {
              write([...items, spec])
              setFrom('')
              setTo('')
            }}
          >
            {t('common.add')}
          </button>
        </div>
      )}
    </div>
  )
}
