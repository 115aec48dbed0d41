// Weekly opening hours as calendar.hours writes them ({"mon-fri": ["09:00-13:00"], sat: [...]})
// and as the weekly-hours editor shows them: one row of time ranges per day.

/** The days, in the order the engine numbers them. */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

/** Reads a set of days such as mon, mon-fri, sat,sun or mon-wed,fri (ranges may wrap: fri-mon). */
export function parseWeekdays(spec: string): boolean[] | null {
  const set = Array<boolean>(7).fill(false)
  for (const part of spec.split(',')) {
    const [from, to, extra] = part.trim().toLowerCase().split('-')
    if (extra !== undefined) return null
    const a = weekdays.indexOf(from as (typeof weekdays)[number])
    if (a < 0) return null
    if (to === undefined) {
      set[a] = true
      continue
    }
    const b = weekdays.indexOf(to as (typeof weekdays)[number])
    if (b < 0) return null
    for (let d = a; ; d = (d + 1) % 7) {
      set[d] = true
      if (d === b) break
    }
  }
  return set
}

/** Spreads the hours over the seven days; null when a key is not a set of days. */
export function expandWeek(open: Record<string, unknown> | undefined): string[][] | null {
  const days: string[][] = weekdays.map(() => [])
  for (const [key, ranges] of Object.entries(open ?? {})) {
    const set = parseWeekdays(key)
    if (!set) return null
    const list = Array.isArray(ranges) ? ranges.map(String) : typeof ranges === 'string' ? [ranges] : []
    set.forEach((on, d) => {
      if (on) for (const r of list) if (!days[d].includes(r)) days[d].push(r)
    })
  }
  return days
}

/** Names a set of days briefly: runs of three or more days as mon-fri, the rest by name. */
function daysKey(ds: number[]): string {
  const parts: string[] = []
  for (let i = 0; i < ds.length; ) {
    let j = i
    while (j + 1 < ds.length && ds[j + 1] === ds[j] + 1) j++
    if (j - i >= 2) parts.push(`${weekdays[ds[i]]}-${weekdays[ds[j]]}`)
    else for (let k = i; k <= j; k++) parts.push(weekdays[ds[k]])
    i = j + 1
  }
  return parts.join(',')
}

/** Groups the days that have the same ranges under one key, in the order of their first day. */
export function compressWeek(days: string[][]): Record<string, string[]> {
  const groups = new Map<string, number[]>()
  days.forEach((ranges, d) => {
    if (ranges.length === 0) return
    const sig = JSON.stringify(ranges)
    const list = groups.get(sig) ?? []
    list.push(d)
    groups.set(sig, list)
  })
  const out: Record<string, string[]> = {}
  for (const [sig, ds] of groups) out[daysKey(ds)] = JSON.parse(sig) as string[]
  return out
}

/** Checks a time range HH:MM-HH:MM (an end before the start runs past midnight). */
export function clockRangeError(r: string): string | undefined {
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(r)
  if (!m) return `"${r}" is not a time range; write HH:MM-HH:MM`
  const [h1, m1, h2, m2] = m.slice(1).map(Number)
  if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || (h2 === 24 && m2 !== 0)) return `"${r}" has a time that does not exist`
  return undefined
}

/** Whether a valid range closes before it opens, so runs past midnight into the next day (the
 * engine reads 22:00-06:00 so); "HH:MM-24:00" is not. */
export function isOvernight(r: string): boolean {
  const m = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(r)
  return Boolean(m && !clockRangeError(r) && m[2] !== '24:00' && m[2] < m[1])
}
