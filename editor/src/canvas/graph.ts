// The canvas's nodes and edges, built from the flow model and what is shown over it (problems,
// a simulation's path, a diff). Unchanged blocks keep their node objects from one build to the
// next, so that React Flow re-renders only the blocks that changed.

import { Position as Side, type Edge, type Node, type NodeHandle } from '@xyflow/react'
import { exitsOf, type BlockInfo } from '../catalogue/catalogue'
import type { Diagnostic, Outcome } from '../api/types'
import type { FlowDiff } from '../document/diff'
import { positionOf, type Block, type FlowModel, type Note } from '../document/model'

/** What a block node shows. */
export interface BlockData extends Record<string, unknown> {
  block: Block
  info?: BlockInfo
  /** The handles, in order: the block's exits, then wired exits it does not have. */
  exits: string[]
  unknownExits: string[]
  summary: string
  /** The height of the block above its exits, kept by the placeholder drawn far out. */
  header: number
  problem?: 'error' | 'warning'
  problems: number
  /** Steps of the simulation that ran the block, from 1. */
  steps?: number[]
  current?: boolean
  diff?: 'added' | 'removed' | 'changed'
  diffDetail?: string
  readOnly: boolean
}

export interface NoteData extends Record<string, unknown> {
  note: Note
  readOnly: boolean
}

export type BlockNode = Node<BlockData, 'block'>
export type NoteNode = Node<NoteData, 'note'>
export type CanvasNode = BlockNode | NoteNode

export interface WireData extends Record<string, unknown> {
  exit: string
  onPath?: boolean
  diff?: 'added' | 'removed'
}

export type Wire = Edge<WireData>

/** Wires are out of the browser's tab order, which would visit every wire before the first
 * block; the canvas moves the focus from a block to its wires (see tabOrder in Canvas). */
const wireDomAttributes = { tabIndex: -1 }

/** The fixed sizes of a block's parts on the canvas (styles.css keeps them). */
export const blockSize = { width: 180, border: 1, head: 22, type: 16, summary: 16, diff: 16, exitsTop: 6 + 1 + 2, exit: 20, exitsBottom: 6 }

/** A block's size and handles before the browser measures it: what lets React Flow leave the
 * blocks out of view undrawn, and still draw the wires that lead to them. It is exact (the
 * browser tests check it against what Chromium draws), so measuring a block changes nothing. */
export function blockGeometry(exits: string[], opts: { summary: boolean; diff: boolean; trigger: boolean }): { width: number; height: number; header: number; handles: NodeHandle[] } {
  const b = blockSize
  const header = b.head + b.type + (opts.summary ? b.summary : 0) + (opts.diff ? b.diff : 0)
  const exitsTop = b.border + header + b.exitsTop
  const height = exitsTop + b.exit * exits.length + b.exitsBottom + b.border
  const handles: NodeHandle[] = exits.map((id, i) => ({
    id,
    type: 'source',
    position: Side.Right,
    x: b.width,
    y: exitsTop + i * b.exit + b.exit / 2 - 5,
    width: 10,
    height: 10,
  }))
  if (!opts.trigger) handles.push({ id: 'in', type: 'target', position: Side.Left, x: -5, y: 18, width: 10, height: 10 })
  return { width: b.width, height, header, handles }
}

/** Node ids of notes, apart from block ids. */
export const noteNodeId = (id: string) => `note:${id}`
export const isNoteNodeId = (id: string) => id.startsWith('note:')
export const noteIdOf = (nodeId: string) => nodeId.slice('note:'.length)
/** Edge ids: a block's exit. */
export const wireId = (block: string, exit: string) => `${block}:${exit}`

/** What the canvas shows over the flow. */
export interface GraphInput {
  model: FlowModel
  types: Map<string, BlockInfo>
  diagnostics: Diagnostic[]
  readOnly: boolean
  trace: Outcome | null
  traceStep: number | null
  /** A diff: model is the newer version, from the older one. */
  diff: { from: FlowModel; diff: FlowDiff } | null
}

/** Returns the block id a diagnostic's path names, or null. */
export function blockOfPath(path: string): string | null {
  const m = /^blocks\.([^.[\]]+)/.exec(path)
  return m ? m[1] : null
}

/** Says what a block does in a few words, from its first parameters. */
export function summarize(block: Block, info: BlockInfo | undefined): string {
  const names = info ? info.params.map((p) => p.name ?? '') : Object.keys(block.params)
  for (const name of names) {
    const v = block.params[name]
    if (v === undefined || v === null || v === '') continue
    let s: string
    if (typeof v === 'string') s = v
    else if (typeof v === 'number' || typeof v === 'boolean') s = `${name}: ${String(v)}`
    else if (Array.isArray(v)) {
      s = v.every((x) => typeof x !== 'object') ? v.join(', ') : `${v.length} ${v.length === 1 ? name.replace(/s$/, '') : name}`
    } else s = Object.keys(v as object).join(', ')
    return s.length > 60 ? `${s.slice(0, 57)}…` : s
  }
  return ''
}

interface Cached<T> {
  deps: unknown[]
  value: T
}

function same(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]))
}

/** Makes a builder that reuses what it built before for what did not change. */
export function createGraphBuilder() {
  const nodeCache = new Map<string, Cached<CanvasNode>>()
  const edgeCache = new Map<string, Cached<Wire>>()

  const cached = <T>(cache: Map<string, Cached<T>>, id: string, deps: unknown[], make: () => T): T => {
    const c = cache.get(id)
    if (c && same(c.deps, deps)) return c.value
    const value = make()
    cache.set(id, { deps, value })
    return value
  }

  return function build(input: GraphInput): { nodes: CanvasNode[]; edges: Wire[] } {
    const { model, types, readOnly, trace, traceStep, diff } = input

    const problems = new Map<string, { severity: 'error' | 'warning'; n: number }>()
    for (const d of input.diagnostics) {
      const id = blockOfPath(d.path)
      if (!id) continue
      const p = problems.get(id)
      if (!p) problems.set(id, { severity: d.severity, n: 1 })
      else {
        p.n++
        if (d.severity === 'error') p.severity = 'error'
      }
    }

    const steps = new Map<string, number[]>()
    const onPath = new Set<string>()
    if (trace) {
      trace.steps.forEach((s, i) => {
        if (s.flow && s.flow !== model.id) return
        const list = steps.get(s.block) ?? []
        list.push(i + 1)
        steps.set(s.block, list)
        if (s.exit) onPath.add(wireId(s.block, s.exit))
      })
    }
    const currentBlock = trace && traceStep !== null ? trace.steps[traceStep]?.block : undefined

    const status = new Map<string, 'added' | 'removed' | 'changed'>()
    const detail = new Map<string, string>()
    if (diff) {
      for (const id of diff.diff.added) status.set(id, 'added')
      for (const id of diff.diff.removed) status.set(id, 'removed')
      for (const c of diff.diff.changed) {
        status.set(c.id, 'changed')
        const parts = []
        if (c.type) parts.push(`type ${c.type[0]} → ${c.type[1]}`)
        if (c.params.length) parts.push(`params: ${c.params.join(', ')}`)
        if (c.wires.length) parts.push(`wires: ${c.wires.map((w) => w.exit).join(', ')}`)
        detail.set(c.id, parts.join('; '))
      }
    }

    const nodes: CanvasNode[] = []
    const edges: Wire[] = []
    const addBlock = (block: Block, index: number, ghost: boolean) => {
      const info = types.get(block.type)
      const p = problems.get(block.id)
      const st = steps.get(block.id)
      const stepKey = st ? st.join(',') : ''
      const diffStatus = ghost ? 'removed' : status.get(block.id)
      const pos = positionOf(block, index)
      const node = cached(
        nodeCache,
        (ghost ? 'was:' : '') + block.id,
        [block, info, p?.severity, p?.n, stepKey, currentBlock === block.id, diffStatus, detail.get(block.id), readOnly, pos.x, pos.y],
        (): BlockNode => {
          const exits = exitsOf(info, block.params)
          const unknownExits = Object.keys(block.next).filter((e) => !exits.includes(e))
          const summary = summarize(block, info)
          const geo = blockGeometry([...exits, ...unknownExits], { summary: summary !== '', diff: diffStatus !== undefined, trigger: Boolean(info?.trigger) })
          return {
            id: (ghost ? 'was:' : '') + block.id,
            type: 'block',
            position: pos,
            initialWidth: geo.width,
            initialHeight: geo.height,
            handles: geo.handles,
            draggable: !readOnly,
            connectable: !readOnly,
            deletable: !readOnly,
            data: {
              block,
              info,
              exits: [...exits, ...unknownExits],
              unknownExits,
              summary,
              header: geo.header,
              problem: p?.severity,
              problems: p?.n ?? 0,
              steps: st,
              current: currentBlock === block.id,
              diff: diffStatus,
              diffDetail: detail.get(block.id),
              readOnly,
            },
          }
        },
      )
      nodes.push(node)
    }

    model.blocks.forEach((b, i) => addBlock(b, i, false))
    if (diff) diff.from.blocks.forEach((b, i) => !model.byId.has(b.id) && addBlock(b, i, true))

    const added = new Set(diff?.diff.wiresAdded ?? [])
    const addWires = (m: FlowModel, ghost: boolean) => {
      for (const b of m.blocks) {
        for (const [exit, target] of Object.entries(b.next)) {
          const id = wireId(b.id, exit)
          const source = (ghost && !model.byId.has(b.id) ? 'was:' : '') + b.id
          const targetId = (ghost && !model.byId.has(target) ? 'was:' : '') + target
          if (!m.byId.has(target)) continue
          if (ghost) {
            const now = model.byId.get(b.id)?.next[exit]
            if (now === target) continue
          }
          const path = !ghost && onPath.has(id)
          const wireDiff = ghost ? 'removed' : added.has(id) ? 'added' : undefined
          const edge = cached(edgeCache, (ghost ? 'was:' : '') + id, [source, targetId, path, wireDiff, readOnly], (): Wire => ({
            id: (ghost ? 'was:' : '') + id,
            source,
            sourceHandle: exit,
            target: targetId,
            targetHandle: 'in',
            className: [path ? 'on-path' : '', wireDiff ? `diff-${wireDiff}` : ''].join(' ').trim() || undefined,
            animated: path,
            label: path ? exit : undefined,
            deletable: !readOnly && !ghost,
            reconnectable: !readOnly && !ghost,
            zIndex: path ? 1 : 0,
            domAttributes: wireDomAttributes,
            data: { exit, onPath: path, diff: wireDiff },
          }))
          edges.push(edge)
        }
      }
    }
    addWires(model, false)
    if (diff) addWires(diff.from, true)

    for (const n of model.notes) {
      const node = cached(nodeCache, noteNodeId(n.id), [n.id, n.text, n.x, n.y, n.width, n.height, readOnly], (): NoteNode => ({
        id: noteNodeId(n.id),
        type: 'note',
        position: { x: n.x, y: n.y },
        width: n.width,
        height: n.height,
        zIndex: -1,
        draggable: !readOnly,
        deletable: !readOnly,
        connectable: false,
        data: { note: n, readOnly },
      }))
      nodes.push(node)
    }

    // forget what is gone, so the caches do not grow without end
    if (nodeCache.size > nodes.length * 2 + 64) {
      const keep = new Set(nodes.map((n) => n.id))
      for (const k of nodeCache.keys()) if (!keep.has(k)) nodeCache.delete(k)
    }
    if (edgeCache.size > edges.length * 2 + 64) {
      const keep = new Set(edges.map((e) => e.id))
      for (const k of edgeCache.keys()) if (!keep.has(k)) edgeCache.delete(k)
    }
    return { nodes, edges }
  }
}
