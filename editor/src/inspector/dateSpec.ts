// Entries of a special-days list: a date (2026-12-25), a range (2026-12-24..2026-12-31), a
// yearly date (12-25) or a yearly range (12-24..01-06).

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

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function monthDay(md: string): string {
  const [m, d] = md.split('-').map(Number)
  return `${d} ${months[m - 1] ?? '?'}`
}

/** Says an entry in words: "25 Dec 2026", "every year, 24 Dec to 6 Jan". */
export function describeDateSpec(s: string): string {
  const d = parseDateSpec(s)
  if (!d) return 'not a date'
  const day = (x: string) => (x.length === 10 ? `${monthDay(x.slice(5))} ${x.slice(0, 4)}` : monthDay(x))
  switch (d.kind) {
    case 'date':
      return day(d.from)
    case 'range':
      return `${day(d.from)} to ${day(d.to!)}`
    case 'yearly':
      return `every year, ${day(d.from)}`
    case 'yearly-range':
      return `every year, ${day(d.from)} to ${day(d.to!)}`
  }
}
