// Forms of channel and skill settings, made from the spec the server serves at
// GET /api/v1/settings/schema: which fields a channel of a type has, what widget each takes, and
// the same checks the server makes, so a mistake shows beside its field before it is sent.
// Labels and help come from the spec's descriptions (in English, as the server writes them).

import type { FlowSummary } from '../api/types'

/** One setting as the spec describes it. */
export interface SettingInfo {
  name?: string
  kind: string
  description?: string
  default?: unknown
  values?: string[]
  example?: unknown
  elem?: SettingInfo
  format?: string
  min?: number
  max?: number
  channels?: string[]
  refers?: string
  seconds?: boolean
  exclusive?: string[][]
}

/** The spec of every setting. */
export interface SettingsCatalogue {
  channel: SettingInfo[]
  skill: SettingInfo[]
  /** The workspace's settings (break reasons); absent from an older server. */
  workspace?: SettingInfo[]
  formats: Record<string, { description: string; pattern?: string }>
}

/** What a form field holds while it is edited: text, a flag, or a list of names. */
export type FormValue = string | boolean | string[]

export type SettingWidget = 'bool' | 'enum' | 'int' | 'number' | 'duration' | 'text' | 'enum-set' | 'text-list' | 'reference'

/** A field of a settings form. */
export interface SettingField {
  name: string
  label: string
  help: string
  widget: SettingWidget
  options?: string[]
  placeholder?: string
  refers?: string
  maxItems?: number
  info: SettingInfo
}

/** "ring_timeout" → "Ring timeout". */
export function labelOf(name: string): string {
  const words = name.replace(/_/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function widgetOf(s: SettingInfo): SettingWidget {
  if (s.refers) return 'reference'
  switch (s.kind) {
    case 'bool':
      return 'bool'
    case 'enum':
      return 'enum'
    case 'int':
      return 'int'
    case 'number':
      return 'number'
    case 'duration':
      return 'duration'
    case 'list':
      return s.elem?.kind === 'enum' ? 'enum-set' : 'text-list'
  }
  return 'text'
}

function shown(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (Array.isArray(v)) return v.join(', ')
  return String(v)
}

/** The fields of the settings a channel of this type has (of a skill, with type null), in spec order. */
export function settingFields(specs: SettingInfo[], channelType: string | null): SettingField[] {
  return specs
    .filter((s) => channelType === null || !s.channels?.length || s.channels.includes(channelType))
    .map((s) => ({
      name: s.name!,
      label: labelOf(s.name!),
      help: s.description ?? '',
      widget: widgetOf(s),
      options: s.kind === 'enum' ? s.values : s.elem?.kind === 'enum' ? s.elem.values : undefined,
      placeholder: shown(s.default ?? s.example),
      refers: s.refers,
      maxItems: s.kind === 'list' ? s.max : undefined,
      info: s,
    }))
}

/** The form's values of stored settings: what is set, as text, flags or lists. */
export function formValues(fields: SettingField[], settings: Record<string, unknown>): Record<string, FormValue> {
  const out: Record<string, FormValue> = {}
  for (const f of fields) {
    const v = settings[f.name]
    if (v === undefined || v === null) continue
    if (f.widget === 'bool') out[f.name] = v === true
    else if (f.widget === 'enum-set') out[f.name] = Array.isArray(v) ? v.map(String) : [String(v)]
    else out[f.name] = shown(v) // a list of names is edited as text: "solved, no_answer"
  }
  return out
}

const durationPart = /^(\d+d)?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))*$/
const unitSeconds: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 }

/** Reads a duration such as 90s, 1h30m or 2d, in seconds; null when it is not one. */
export function durationSeconds(text: string): number | null {
  if (text === '' || !durationPart.test(text)) return null
  let total = 0
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)) total += Number(m[1]) * unitSeconds[m[2]]
  return total
}

function seconds(n: number): string {
  const h = Math.floor(n / 3600)
  const m = Math.floor((n % 3600) / 60)
  const s = n % 60
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`
}

/** What a setting takes, in the server's words. */
function takes(s: SettingInfo, cat: SettingsCatalogue): string {
  switch (s.kind) {
    case 'bool':
      return 'true or false'
    case 'enum':
      return `one of ${(s.values ?? []).join(', ')}`
    case 'int':
      if (s.min !== undefined && s.max !== undefined) return `a whole number from ${s.min} to ${s.max}`
      if (s.min !== undefined) return `a whole number of at least ${s.min}`
      return 'a whole number'
    case 'number':
      if (s.min !== undefined && s.max !== undefined) return `a number from ${s.min} to ${s.max}`
      if (s.min !== undefined) return `a number of at least ${s.min}`
      return 'a number'
    case 'duration': {
      let t = 'a duration'
      if (s.min !== undefined) t += ` of at least ${seconds(s.min)}`
      if (s.max !== undefined) t += ` and at most ${seconds(s.max)}`
      return `${t} (such as 30s or 2m, or a number of seconds)`
    }
  }
  if (s.format && cat.formats[s.format]) return cat.formats[s.format].description
  return 'text'
}

function fitsFormat(s: SettingInfo, text: string, cat: SettingsCatalogue): boolean {
  const f = s.format ? cat.formats[s.format] : undefined
  if (!f?.pattern) return true
  try {
    return new RegExp(f.pattern, 'u').test(text)
  } catch {
    return true
  }
}

/**
 * Checks one field's value as the server will: null when it is fine or left empty, else the
 * message naming the field (prefix "settings." for a channel, "" for a skill). names lists what
 * a reference may name (the calendars that exist).
 */
export function checkField(f: SettingField, value: FormValue | undefined, cat: SettingsCatalogue, prefix: string, names: string[] = []): string | null {
  const s = f.info
  value = listOf(f, value, cat)
  const field = prefix + f.name
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return null
  const bad = (got: string) => `${field}: must be ${takes(s, cat)}, got ${got}`
  if (typeof value === 'boolean') return null
  if (Array.isArray(value)) {
    if (s.max !== undefined && value.length > s.max) return `${field}: holds at most ${s.max} values, got ${value.length}`
    for (const group of s.exclusive ?? []) {
      const both = group.filter((g) => value.includes(g))
      if (both.length > 1) return `${field}: cannot hold both ${both[0]} and ${both[1]}, which contradict each other`
    }
    for (let i = 0; i < value.length; i++) {
      const e = s.elem
      if (!e) continue
      if (e.kind === 'enum' && !(e.values ?? []).includes(value[i])) return `${field}[${i}]: must be ${takes(e, cat)}, got ${JSON.stringify(value[i])}`
      if (e.kind === 'string' && !fitsFormat(e, value[i], cat)) return `${field}[${i}]: must be ${takes(e, cat)}, got ${JSON.stringify(value[i])}`
    }
    return null
  }
  const text = value.trim()
  switch (s.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(text)) return bad(JSON.stringify(text))
      const n = Number(text)
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) return bad(text)
      return null
    }
    case 'number': {
      if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(text)) return bad(JSON.stringify(text))
      const n = Number(text)
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) return bad(text)
      return null
    }
    case 'duration': {
      const n = /^\d+$/.test(text) && s.seconds ? Number(text) : durationSeconds(text)
      if (n === null) return bad(JSON.stringify(text))
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) return bad(/^\d+$/.test(text) ? text : JSON.stringify(text))
      return null
    }
    case 'enum':
      return (s.values ?? []).includes(text) ? null : bad(JSON.stringify(text))
  }
  if (!fitsFormat(s, text, cat)) return `${field}: ${JSON.stringify(text)} is not ${takes(s, cat)}`
  if (s.refers && !names.includes(text)) return `${field}: there is no ${s.refers} ${JSON.stringify(text)}; create it first`
  return null
}

/** A list as typed read as a list: names ("solved, no_answer" or "solved no_answer") at commas
 * and spaces; values whose format admits spaces ("lunch, Coaching session") at commas only. */
function listOf(f: SettingField, value: FormValue | undefined, cat: SettingsCatalogue): FormValue | undefined {
  if (f.widget !== 'text-list' || typeof value !== 'string') return value
  const elem = f.info.elem
  const spaced = elem ? fitsFormat(elem, 'a b', cat) : false
  return (spaced ? value.split(',').map((x) => x.trim()) : value.split(/[,\s]+/)).filter(Boolean)
}

/**
 * The settings a form sends, and the message of each field that does not fit. Fields left
 * empty are left out (their default applies); numbers go as numbers, a duration written as
 * whole seconds as a number of seconds.
 */
export function settingsBody(
  fields: SettingField[],
  values: Record<string, FormValue>,
  cat: SettingsCatalogue,
  prefix: string,
  names: string[] = [],
): { settings: Record<string, unknown>; errors: Record<string, string> } {
  const settings: Record<string, unknown> = {}
  const errors: Record<string, string> = {}
  for (const f of fields) {
    const v = listOf(f, values[f.name], cat)
    const err = checkField(f, v, cat, prefix, names)
    if (err) {
      errors[f.name] = err
      continue
    }
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue
    if (f.widget === 'bool') {
      if (v === true) settings[f.name] = true // false is every flag's default
      continue
    }
    if (typeof v === 'string') {
      const text = v.trim()
      settings[f.name] = f.widget === 'int' || f.widget === 'number' || (f.widget === 'duration' && /^\d+$/.test(text)) ? Number(text) : text
    } else {
      settings[f.name] = v
    }
  }
  return { settings, errors }
}

/**
 * The flows a channel of this type can take as its default flow: those with a trigger for it.
 * The channel's current flow stays listed even when it does not fit, so the picker shows it.
 */
export function compatibleFlows(flows: FlowSummary[], channelType: string, current = ''): FlowSummary[] {
  return flows.filter((f) => (f.triggers ?? []).includes(channelType) || f.id === current)
}
