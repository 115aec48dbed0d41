// The inspector's forms, generated from the parameter specs of the catalogue: which widget each
// parameter gets, with its label, hint, choices and nested fields. The React side only renders
// what this decides, so a custom block's parameters get a form with no change here.

import type { BlockInfo, ParamInfo } from '../catalogue/catalogue'
import { t as translate } from '../i18n/intl'

/** The widgets the inspector has. */
export type Widget =
  | 'text'
  | 'int'
  | 'number'
  | 'bool'
  | 'duration'
  | 'enum'
  | 'expression'
  | 'template'
  /** A list of enum values, as checkboxes. */
  | 'enum-set'
  /** A list of texts (or templates), one row each. */
  | 'text-list'
  /** A list of objects: a sub-form per item (keyword rules, switch cases). */
  | 'object-list'
  /** Weekly opening hours: days → time ranges. */
  | 'weekly-hours'
  /** Special days: dates, ranges and yearly dates. */
  | 'date-list'
  /** A mapping of names to values. */
  | 'map'
  | 'object'
  /** Anything else, as YAML. */
  | 'yaml'

/** Where a text field's suggestions come from. */
export type Suggest = 'timezone' | 'skill' | 'flow' | 'switch' | 'variable' | 'country' | 'calendar'

/** One field of a generated form. */
export interface Field {
  /** The parameter or object field name; empty for list items and map values. */
  name: string
  label: string
  widget: Widget
  required: boolean
  /** The parameter's description. */
  help: string
  /** A sample value, shown while the field is empty. */
  placeholder: string
  /** The default, shown as the placeholder of an empty field that has one. */
  defaultValue?: unknown
  /** Choices of an enum or an enum-set. */
  options?: string[]
  /** The type an expression must give. */
  exprType?: string
  min?: number
  max?: number
  suggest?: Suggest
  /** The format a text must have (exit, identifier, clock-range...). */
  format?: string
  /** A list written as its single element when it has one. */
  orSingle?: boolean
  /** The item of a list, or the value of a map. */
  item?: Field
  /** The fields of an object, or of a list's objects. */
  fields?: Field[]
  /** The format of a map's keys. */
  keyFormat?: string
  param: ParamInfo
}

const suggestions: Record<string, Suggest> = {
  timezone: 'timezone',
  skill: 'skill',
  'switch-name': 'switch',
  identifier: 'variable',
  'holiday-country': 'country',
  country: 'country',
}

function label(name: string): string {
  const s = name.replace(/_/g, ' ')
  return s.charAt(0).toUpperCase() + s.slice(1)
}

function sample(p: ParamInfo): string {
  const v = p.default !== undefined ? p.default : p.example
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.join(', ')
  return JSON.stringify(v)
}

/** The widget for a parameter. */
export function widgetOf(p: ParamInfo): Widget {
  switch (p.kind) {
    case 'string':
      return 'text'
    case 'int':
      return 'int'
    case 'number':
      return 'number'
    case 'bool':
      return 'bool'
    case 'duration':
      return 'duration'
    case 'enum':
      return 'enum'
    case 'expression':
      return 'expression'
    case 'template':
      return 'template'
    case 'object':
      return p.fields?.length ? 'object' : 'yaml'
    case 'list': {
      const e = p.elem
      if (!e) return 'yaml'
      if (e.kind === 'enum') return 'enum-set'
      if (e.kind === 'object' && e.fields?.length) return 'object-list'
      if (e.kind === 'string' && e.format === 'date-spec') return 'date-list'
      if (e.kind === 'string' || e.kind === 'template' || e.kind === 'expression') return 'text-list'
      return 'yaml'
    }
    case 'map': {
      const e = p.elem
      if (p.key_format === 'weekdays' && e?.kind === 'list' && e.elem?.format === 'clock-range') return 'weekly-hours'
      if (e && ['string', 'template', 'expression', 'int', 'number', 'bool'].includes(e.kind)) return 'map'
      return 'yaml'
    }
  }
  return 'yaml'
}

/** The form field of a parameter, list item or object field. */
export function fieldFor(p: ParamInfo): Field {
  const widget = widgetOf(p)
  const f: Field = {
    name: p.name ?? '',
    label: p.name ? label(p.name) : '',
    widget,
    required: p.required === true,
    help: p.description ?? '',
    placeholder: sample(p),
    param: p,
  }
  if (p.default !== undefined) f.defaultValue = p.default
  if (p.kind === 'expression' && p.type) f.exprType = p.type
  if (p.min !== undefined) f.min = p.min
  if (p.max !== undefined) f.max = p.max
  if (p.format) {
    f.format = p.format
    const s = suggestions[p.format]
    if (s) f.suggest = s
  }
  if (p.name === 'calendar' && p.format === 'flow-id') f.suggest = 'calendar'
  if (p.name === 'flow' && p.format === 'flow-id') f.suggest = 'flow'
  if (p.or_single) f.orSingle = true
  if (widget === 'enum') f.options = p.values ?? []
  if (widget === 'enum-set') f.options = p.elem?.values ?? []
  if (widget === 'object') f.fields = (p.fields ?? []).map(fieldFor)
  if (widget === 'object-list' && p.elem) f.fields = (p.elem.fields ?? []).map(fieldFor)
  if ((widget === 'text-list' || widget === 'date-list') && p.elem) f.item = fieldFor(p.elem)
  if (widget === 'map' && p.elem) {
    f.item = fieldFor(p.elem)
    f.keyFormat = p.key_format
  }
  if (widget === 'weekly-hours') f.keyFormat = p.key_format
  return f
}

/** The form of a block type: one field per parameter, in the spec's order. */
export function formFor(info: BlockInfo): Field[] {
  return info.params.map(fieldFor)
}

/** Writes a path inside params as the server's diagnostics do: rules[0].exit, open.mon-fri. */
export function pathString(path: (string | number)[]): string {
  let s = ''
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`
    else s += s === '' ? p : `.${p}`
  }
  return s
}

/** Reads a list value that may be written as its single element. */
export function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return []
  return Array.isArray(v) ? v : [v]
}

/** Splits pasted text into entries on commas and line breaks; null when it holds one entry. */
export function splitPasted(text: string): string[] | null {
  if (!/[,\n\r]/.test(text)) return null
  const parts = text
    .split(/[,\r\n]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
  return parts.length > 0 ? parts : null
}

/** Writes a list back: undefined when empty, the element alone when the spec allows it. */
export function fromList(items: unknown[], orSingle: boolean | undefined): unknown {
  if (items.length === 0) return undefined
  if (orSingle && items.length === 1) return items[0]
  return items
}

/** A new item for a list of objects: its required enum fields get their first value, the
 * required texts stay empty for the author. */
export function newItem(fields: Field[]): Record<string, unknown> {
  const item: Record<string, unknown> = {}
  for (const f of fields) {
    if (!f.required) continue
    if (f.widget === 'enum') item[f.name] = f.options?.[0] ?? ''
    else if (f.widget === 'text' || f.widget === 'template' || f.widget === 'expression') item[f.name] = ''
  }
  return item
}

/** Reads a number field's text: a number, undefined for empty, or an error for people. */
export function parseNumber(text: string, f: Field): { value?: number; error?: string } {
  const t = text.trim()
  if (t === '') return {}
  const n = Number(t)
  if (!Number.isFinite(n)) return { error: translate('form.notNumber', { text: t }) }
  if (f.widget === 'int' && !Number.isInteger(n)) return { error: translate('form.notWholeNumber', { text: t }) }
  if (f.min !== undefined && n < f.min) return { error: translate('form.atLeast', { min: f.min }) }
  if (f.max !== undefined && n > f.max) return { error: translate('form.atMost', { max: f.max }) }
  return { value: n }
}

const durationPattern = /^(?:\d+d)?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))*$/

/** Checks a duration such as 90s, 15m, 1h30m or 7d, as the server reads them. */
export function durationError(text: string): string | undefined {
  const t = text.trim()
  if (t === '' || (durationPattern.test(t) && /\d/.test(t) && !/^\d+$/.test(t))) return undefined
  return translate('form.notDuration', { text: t })
}
