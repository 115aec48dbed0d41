// Weekly opening hours: a row per day with its time ranges. It writes the compact form people
// write by hand ({mon-fri: ["09:00-13:00", "14:00-18:00"], sat: [...]}).

import { useIntl, type IntlShape } from 'react-intl'
import { useT } from '../../i18n/I18n'
import { useState } from 'react'
import type { ParamPath } from '../../document/flowText'
import type { Field } from '../form'
import { useForm } from '../context'
import { clockRangeError, compressWeek, expandWeek, isOvernight, weekdays } from '../weeklyHours'

/** A weekday's name in the user's language: 0 is Monday. */
function dayName(intl: IntlShape, day: number, weekday: 'long' | 'short'): string {
  // 1 January 2024 was a Monday
  return intl.formatDate(new Date(Date.UTC(2024, 0, 1 + day, 12)), { weekday, timeZone: 'UTC' })
}

export function WeeklyHoursField({ field, value, path }: { field: Field; value: unknown; path: ParamPath }) {
  const t = useT()
  const intl = useIntl()
  const ctx = useForm()
  const open = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  const days = expandWeek(open)
  const [adding, setAdding] = useState<{ day: number; from: string; to: string } | null>(null)
  if (!days) {
    return <p className="field-error">{t('hours.unreadable')}</p>
  }
  const write = (next: string[][]) => {
    const out = compressWeek(next)
    ctx.set(path, Object.keys(out).length ? out : undefined)
  }
  const addRange = () => {
    if (!adding) return
    const r = `${adding.from}-${adding.to}`
    if (clockRangeError(r)) return
    write(days.map((d, i) => (i === adding.day ? [...d, r].sort() : d)))
    setAdding(null)
  }
  const copyToWeekdays = (day: number) => write(days.map((d, i) => (i < 5 ? [...days[day]] : d)))
  return (
    <table className="weekly-hours" aria-label={field.label}>
      <tbody>
        {weekdays.map((wd, i) => (
          <tr key={wd} data-day={wd}>
            <th scope="row" title={dayName(intl, i, 'long')}>
              {dayName(intl, i, 'short')}
            </th>
            <td>
              {days[i].length === 0 && <span className="muted">{t('hours.closed')}</span>}
              {days[i].map((r) => (
                <span key={r} className={`chip${clockRangeError(r) ? ' bad' : ''}`} title={clockRangeError(r)}>
                  {r.replace('-', '–')}
                  {isOvernight(r) && <span className="overnight-note"> {t('hours.overnight', { to: r.slice(6) })}</span>}
                  {!ctx.readOnly && (
                    <button
                      type="button"
                      className="icon"
                      aria-label={t('hours.remove', { range: r, day: dayName(intl, i, 'long') })}
                      onClick={() => write(days.map((d, j) => (j === i ? d.filter((x) => x !== r) : d)))}
                    >
                      ×
                    </button>
                  )}
                </span>
              ))}
              {adding?.day === i ? (
                <span className="add-range">
                  <input type="time" aria-label={t('hours.opens', { day: dayName(intl, i, 'long') })} value={adding.from} onChange={(e) => setAdding({ ...adding, from: e.target.value })} />
                  –
                  <input type="time" aria-label={t('hours.closes', { day: dayName(intl, i, 'long') })} value={adding.to} onChange={(e) => setAdding({ ...adding, to: e.target.value })} />
                  {isOvernight(`${adding.from}-${adding.to}`) && (
                    <span className="overnight-note" role="status">
                      {t('hours.overnight', { to: adding.to })}
                    </span>
                  )}
                  <button type="button" onClick={addRange} disabled={Boolean(clockRangeError(`${adding.from}-${adding.to}`))}>
                    {t('common.add')}
                  </button>
                  <button type="button" className="link" onClick={() => setAdding(null)}>
                    {t('common.cancel')}
                  </button>
                </span>
              ) : (
                !ctx.readOnly && (
                  <>
                    <button type="button" className="icon" aria-label={t('hours.add', { day: dayName(intl, i, 'long') })} title={t('hours.addRange')} onClick={() => setAdding({ day: i, from: '09:00', to: '18:00' })}>
                      +
                    </button>
                    {i === 0 && days[0].length > 0 && (
                      <button type="button" className="link small" onClick={() => copyToWeekdays(0)}>
                        {t('hours.sameWeekdays')}
                      </button>
                    )}
                  </>
                )
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
