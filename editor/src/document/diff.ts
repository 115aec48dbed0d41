// What changed between two versions of a flow, block by block and wire by wire, as
// `GET /api/v1/flows/{id}/diff` says it (flows.DiffDocuments): positions on the canvas are not
// changes.

import type { FlowModel } from './model'
import { stringify } from 'yaml'
import { t } from '../i18n/intl'

/** A wire whose target changed; from or to is empty when the wire was added or removed. */
export interface WireChange {
  exit: string
  from: string
  to: string
}

/** What changed in one block. */
export interface BlockChange {
  id: string
  /** The old type and the new, when the type changed. */
  type?: [string, string]
  /** The parameters whose values changed, were added or removed. */
  params: string[]
  wires: WireChange[]
}

export interface FlowDiff {
  /** Top-level fields that changed: name, description, vars. */
  meta: string[]
  added: string[]
  removed: string[]
  changed: BlockChange[]
  /** Wires (edge ids "block:exit") of the new version that are new or lead elsewhere now. */
  wiresAdded: string[]
  /** Wires of the old version that are gone or led elsewhere. */
  wiresRemoved: string[]
}

/** Returns a value as JSON with mapping keys sorted, so that key order is not a change. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      return Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    }
    return x
  })
}

/** Compares two versions of a flow. */
export function diffFlows(from: FlowModel, to: FlowModel): FlowDiff {
  const d: FlowDiff = { meta: [], added: [], removed: [], changed: [], wiresAdded: [], wiresRemoved: [] }
  if (from.name !== to.name) d.meta.push('name')
  if (from.description !== to.description) d.meta.push('description')
  if (canonical(from.vars) !== canonical(to.vars)) d.meta.push('vars')

  for (const b of to.blocks) {
    const a = from.byId.get(b.id)
    if (!a) {
      d.added.push(b.id)
      for (const exit of Object.keys(b.next)) d.wiresAdded.push(`${b.id}:${exit}`)
      continue
    }
    const c: BlockChange = { id: b.id, params: [], wires: [] }
    if (a.type !== b.type) c.type = [a.type, b.type]
    const names = [...new Set([...Object.keys(a.params), ...Object.keys(b.params)])].sort()
    for (const k of names) if (canonical(a.params[k]) !== canonical(b.params[k])) c.params.push(k)
    const exits = [...Object.keys(a.next), ...Object.keys(b.next).filter((e) => !(e in a.next))]
    for (const e of exits) {
      const was = a.next[e] ?? ''
      const is = b.next[e] ?? ''
      if (was === is) continue
      c.wires.push({ exit: e, from: was, to: is })
      if (was) d.wiresRemoved.push(`${b.id}:${e}`)
      if (is) d.wiresAdded.push(`${b.id}:${e}`)
    }
    if (c.type || c.params.length || c.wires.length) d.changed.push(c)
  }
  for (const a of from.blocks) {
    if (to.byId.has(a.id)) continue
    d.removed.push(a.id)
    for (const exit of Object.keys(a.next)) d.wiresRemoved.push(`${a.id}:${exit}`)
  }
  return d
}

/** Tells whether nothing changed. */
export function isEmptyDiff(d: FlowDiff): boolean {
  return d.meta.length + d.added.length + d.removed.length + d.changed.length === 0
}

/** Says what changed in a few words: "added x; removed y; changed z (params: text)". */
export function describeDiff(d: FlowDiff): string[] {
  const lines: string[] = []
  if (d.meta.length) lines.push(t('diff.line.meta', { names: d.meta.join(', ') }))
  if (d.added.length) lines.push(t('diff.line.added', { ids: d.added.join(', ') }))
  if (d.removed.length) lines.push(t('diff.line.removed', { ids: d.removed.join(', ') }))
  for (const c of d.changed) {
    const parts: string[] = []
    if (c.type) parts.push(t('diff.line.type', { from: c.type[0], to: c.type[1] }))
    if (c.params.length) parts.push(t('diff.line.params', { names: c.params.join(', ') }))
    const unwired = t('diff.unwired')
    for (const w of c.wires) parts.push(`${w.exit}: ${w.from || unwired} → ${w.to || unwired}`)
    lines.push(t('diff.line.changed', { id: c.id, parts: parts.join('; ') }))
  }
  return lines
}

/** A changed parameter with its old and new value (undefined when absent on that side). */
export interface ParamChange {
  name: string
  from: unknown
  to: unknown
}

/** Returns the old and new values of a changed block's parameters, in the order of c.params. */
export function paramChanges(from: FlowModel, to: FlowModel, c: BlockChange): ParamChange[] {
  const a = from.byId.get(c.id)?.params ?? {}
  const b = to.byId.get(c.id)?.params ?? {}
  return c.params.map((name) => ({ name, from: a[name], to: b[name] }))
}

/** Writes a parameter's value for people: a text as it is, anything else as inline YAML. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v
  return stringify(v, { collectionStyle: 'flow', lineWidth: 0, flowCollectionPadding: false }).trim()
}
