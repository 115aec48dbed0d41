// The simulation form and the request it makes to POST /api/v1/flows/{id}/simulate.

import { t } from '../i18n/intl'
import { exitsOf, type BlockInfo } from '../catalogue/catalogue'
import type { FlowModel } from '../document/model'
import type { SimAgent } from '../api/types'

/** An agent row of the form: skills written as "billing:12, general". */
export interface AgentRow {
  id: string
  skills: string
  state: string
}

export interface SimForm {
  channel: string
  kind: string
  text: string
  authorName: string
  authorId: string
  handle: string
  /** YYYY-MM-DD and HH:MM in zone (an IANA name), or at offset (+HH:MM, -03:00 or Z) when
   * zone is empty. */
  date: string
  time: string
  zone: string
  offset: string
  contactName: string
  vip: boolean
  agents: AgentRow[]
  emergency: Record<string, boolean>
}

/** The channels the flow's triggers take, with the kinds each leaves by. */
export function triggerChannels(model: FlowModel, types: Map<string, BlockInfo>): { channel: string; kinds: string[] }[] {
  const out: { channel: string; kinds: string[] }[] = []
  for (const b of model.blocks) {
    const info = types.get(b.type)
    if (!info?.trigger) continue
    const kinds = exitsOf(info, b.params)
    const have = out.find((c) => c.channel === info.trigger)
    if (have) for (const k of kinds) !have.kinds.includes(k) && have.kinds.push(k)
    else out.push({ channel: info.trigger, kinds: kinds.length ? kinds : ['message'] })
  }
  return out
}

/** The emergency switches the flow checks. */
export function flowSwitches(model: FlowModel): string[] {
  const names = new Set<string>()
  for (const b of model.blocks) if (b.type === 'emergency' && typeof b.params.switch === 'string') names.add(b.params.switch)
  return [...names].sort()
}

export { flowZones } from '../document/model'

/** Reads an offset such as +05:30 as minutes. */
function offsetMinutes(o: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(o)
  if (!m) return 0
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]))
}

/** The UTC offset (+HH:MM) of a time zone at a local date and time, or null when the zone or
 * the date is not one. */
export function zoneOffset(zone: string, date: string, time: string): string | null {
  let fmt: Intl.DateTimeFormat
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
  } catch {
    return null
  }
  const wall = new Date(`${date}T${/^\d{2}:\d{2}$/.test(time) ? time : '12:00'}:00Z`)
  if (Number.isNaN(wall.getTime())) return null
  const at = (d: Date) => {
    const name = fmt.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
    const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name)
    return m ? `${m[1]}:${m[2] ?? '00'}` : '+00:00'
  }
  // the wall time read as UTC, moved by the zone's offset there, is the instant; its offset is
  // the answer (the first guess is off only across a change of offset)
  return at(new Date(wall.getTime() - offsetMinutes(at(wall)) * 60_000))
}

/** Reads "billing:12, general" as {billing: 12, general: 10}. */
export function parseSkills(s: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const part of s.split(/[,\s]+/)) {
    if (!part) continue
    const [name, level] = part.split(':')
    const n = Number(level)
    out[name] = level !== undefined && Number.isInteger(n) ? n : 10
  }
  return out
}

/** The browser's UTC offset at a date, as +HH:MM. */
export function localOffset(d: Date): string {
  const m = -d.getTimezoneOffset()
  const sign = m >= 0 ? '+' : '-'
  const a = Math.abs(m)
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
}

/** The time of the form as RFC 3339, or an error for people. */
export function formTime(f: SimForm): { at?: string; error?: string } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.date)) return { error: t('simulate.pickDate') }
  if (!/^\d{2}:\d{2}$/.test(f.time)) return { error: t('simulate.pickTime') }
  const zoned = f.zone ? zoneOffset(f.zone, f.date, f.time) : null
  if (f.zone && !zoned) return { error: t('simulate.badZone', { zone: f.zone }) }
  const off = zoned ?? (f.offset.trim() === '' ? 'Z' : f.offset.trim())
  if (!/^(Z|[+-]\d{2}:\d{2})$/.test(off)) return { error: t('simulate.badOffset', { offset: off }) }
  return { at: `${f.date}T${f.time}:00${off}` }
}

/** The request body of a simulation of the unsaved source. */
export function simulationRequest(f: SimForm, source: string): Record<string, unknown> {
  const { at } = formTime(f)
  const agents: SimAgent[] = f.agents
    .filter((a) => a.id.trim() !== '')
    .map((a) => ({ id: a.id.trim(), skills: parseSkills(a.skills), ...(a.state && a.state !== 'available' ? { state: a.state } : {}) }))
  const body: Record<string, unknown> = {
    source,
    format: 'yaml',
    interaction: {
      channel: f.channel || undefined,
      kind: f.kind || undefined,
      text: f.text,
      author: { id: f.authorId || 'customer-1', name: f.authorName || undefined, handle: f.handle || undefined },
    },
    agents,
    emergency: f.emergency,
  }
  if (at) body.at = at
  if (f.contactName || f.vip) body.contact = { name: f.contactName || f.authorName, vip: f.vip }
  return body
}
