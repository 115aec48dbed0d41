// Entries of a special-days list: a date (2026-12-25), a range (2026-12-24..2026-12-31), a
// yearly date (12-25) or a yearly range (12-24..01-06).

import { getIntl, t } from '../i18n/intl'

export type DateSpecKind = 'date' | 'range' | 'yearly' | 'yearly-range'

export interface DateSpec {
  kind: DateSpecKind
  from: string
  to?: string
}

const full = /^\d{4}-\d{2}-\d{2}$/
const yearly = /^\d{2}-\d{2}$/

/** Reads an entry; null when it is not one. */
export function parseDateSpec(s: string): DateSpec | null {
  const [from, to, extra] = s.trim().split('..')
  if (extra !== undefined) return null
  if (to === undefined) {
    if (full.test(from)) return { kind: 'date', from }
    if (yearly.test(from)) return { kind: 'yearly', from }
    return null
  }
  if (full.test(from) && full.test(to)) return { kind: 'range', from, to }
  if (yearly.test(from) && yearly.test(to)) return { kind: 'yearly-range', from, to }
  return null
}

/** Writes an entry. */
export function formatDateSpec(d: DateSpec): string {
  return d.to && (d.kind === 'range' || d.kind === 'yearly-range') ? `${d.from}..${d.to}` : d.from
}

/** A date of the list in the user's language: "Dec 25, 2026" (a year given), "Dec 24" (every year). */
function day(x: string): string {
  const [y, m, d] = x.length === 10 ? x.split('-').map(Number) : [2000, ...x.split('-').map(Number)]
  const at = new Date(Date.UTC(y, m - 1, d, 12))
  if (Number.isNaN(at.getTime())) return '?'
  return getIntl().formatDate(at, { day: 'numeric', month: 'short', year: x.length === 10 ? 'numeric' : undefined, timeZone: 'UTC' })
}

/** Says an entry in words: "Dec 25, 2026", "every year, Dec 24 to Jan 6". */
export function describeDateSpec(s: string): string {
  const d = parseDateSpec(s)
  if (!d) return t('dates.notADate')
  switch (d.kind) {
    case 'date':
      return day(d.from)
    case 'range':
      return t('dates.range', { from: day(d.from), to: day(d.to!) })
    case 'yearly':
      return t('dates.yearly', { day: day(d.from) })
    case 'yearly-range':
      return t('dates.yearlyRange', { from: day(d.from), to: day(d.to!) })
  }
}
