// Weekly opening hours: a row per day with its time ranges. It writes the compact form people
// write by hand ({mon-fri: ["09:00-13:00", "14:00-18:00"], sat: [...]}).

import { useState } from 'react'
import type { ParamPath } from '../../document/flowText'
import type { Field } from '../form'
import { useForm } from '../context'
import { clockRangeError, compressWeek, expandWeek, weekdays } from '../weeklyHours'

const dayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

export function WeeklyHoursField({ field, value, path }: { field: Field; value: unknown; path: ParamPath }) {
  const ctx = useForm()
  const open = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  const days = expandWeek(open)
  const [adding, setAdding] = useState<{ day: number; from: string; to: string } | null>(null)
  if (!days) {
    return <p className="field-error">These hours name days the editor cannot read; fix them in the YAML view.</p>
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
            <th scope="row" title={dayNames[i]}>
              {wd}
            </th>
            <td>
              {days[i].length === 0 && <span className="muted">closed</span>}
              {days[i].map((r) => (
                <span key={r} className={`chip${clockRangeError(r) ? ' bad' : ''}`} title={clockRangeError(r)}>
                  {r.replace('-', '–')}
                  {!ctx.readOnly && (
                    <button
                      type="button"
                      className="icon"
                      aria-label={`Remove ${r} on ${wd}`}
                      onClick={() => write(days.map((d, j) => (j === i ? d.filter((x) => x !== r) : d)))}
                    >
                      ×
                    </button>
                  )}
                </span>
              ))}
              {adding?.day === i ? (
                <span className="add-range">
                  <input type="time" aria-label={`Opens on ${wd}`} value={adding.from} onChange={(e) => setAdding({ ...adding, from: e.target.value })} />
                  –
                  <input type="time" aria-label={`Closes on ${wd}`} value={adding.to} onChange={(e) => setAdding({ ...adding, to: e.target.value })} />
                  <button type="button" onClick={addRange} disabled={Boolean(clockRangeError(`${adding.from}-${adding.to}`))}>
                    Add
                  </button>
                  <button type="button" className="link" onClick={() => setAdding(null)}>
                    Cancel
                  </button>
                </span>
              ) : (
                !ctx.readOnly && (
                  <>
                    <button type="button" className="icon" aria-label={`Add hours on ${wd}`} title="Add a range" onClick={() => setAdding({ day: i, from: '09:00', to: '18:00' })}>
                      +
                    </button>
                    {i === 0 && days[0].length > 0 && (
                      <button type="button" className="link small" onClick={() => copyToWeekdays(0)}>
                        same Mon–Fri
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
