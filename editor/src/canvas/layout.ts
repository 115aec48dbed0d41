// Auto-layout, left to right, in a Web Worker. A small flow becomes an ELK graph (a node per
// block, a port per exit in the order the block shows them, an edge per wire) laid out by ELK's
// layered algorithm; a large one is laid out by layeredLayout, which takes milliseconds where
// ELK takes minutes. The answer becomes block positions.

import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api'
import type { FlowModel, Position } from '../document/model'
import type { LayeredGraph, LayeredNode, LayeredWire } from './layered'

/** A block's size on the canvas. */
export interface Size {
  width: number
  height: number
}

/** Where layouts start on the canvas. */
export const layoutOrigin: Position = { x: 40, y: 40 }

const layoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.spacing.nodeNodeBetweenLayers': '90',
  'elk.spacing.nodeNode': '40',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.separateConnectedComponents': 'true',
}

const inPort = (id: string) => `in:${id}`
const outPort = (id: string, exit: string) => `out:${id}:${exit}`

/**
 * Builds the ELK graph of a flow. exits gives each block's exits in order; sizes the measured
 * size of each block (a default when unknown).
 */
export function toElkGraph(
  model: FlowModel,
  exits: (blockId: string) => string[],
  sizes: (blockId: string) => Size | undefined,
): ElkNode {
  const children: ElkNode[] = []
  const edges: ElkExtendedEdge[] = []
  for (const b of model.blocks) {
    const names = [...exits(b.id)]
    for (const e of Object.keys(b.next)) if (!names.includes(e)) names.push(e)
    const ports: ElkPort[] = [{ id: inPort(b.id), layoutOptions: { 'elk.port.side': 'WEST' } }]
    names.forEach((e, i) =>
      ports.push({ id: outPort(b.id, e), layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(i) } }),
    )
    const size = sizes(b.id) ?? { width: 180, height: 70 + 22 * names.length }
    children.push({
      id: b.id,
      width: size.width,
      height: size.height,
      ports,
      layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
    })
    for (const [e, target] of Object.entries(b.next)) {
      if (!model.byId.has(target)) continue
      edges.push({ id: `wire:${b.id}:${e}`, sources: [outPort(b.id, e)], targets: [inPort(target)] })
    }
  }
  return { id: 'flow', layoutOptions, children, edges }
}

/** Reads the blocks' positions from ELK's answer, moved so that the layout starts at layoutOrigin. */
export function fromElkGraph(graph: ElkNode): Record<string, Position> {
  const children = graph.children ?? []
  const minX = Math.min(...children.map((c) => c.x ?? 0))
  const minY = Math.min(...children.map((c) => c.y ?? 0))
  const out: Record<string, Position> = {}
  for (const c of children) {
    out[c.id] = {
      x: Math.round((c.x ?? 0) - minX + layoutOrigin.x),
      y: Math.round((c.y ?? 0) - minY + layoutOrigin.y),
    }
  }
  return out
}

/** Flows with more blocks are laid out by layeredLayout: ELK takes minutes on large ones. */
export const elkLimit = 150

/** Builds the input of layeredLayout for a flow, with the same sizes as toElkGraph. */
export function toLayeredGraph(model: FlowModel, exits: (blockId: string) => string[], sizes: (blockId: string) => Size | undefined): LayeredGraph {
  const nodes: LayeredNode[] = []
  const wires: LayeredWire[] = []
  for (const b of model.blocks) {
    const names = [...exits(b.id)]
    for (const e of Object.keys(b.next)) if (!names.includes(e)) names.push(e)
    const size = sizes(b.id) ?? { width: 180, height: 70 + 22 * names.length }
    nodes.push({ id: b.id, width: size.width, height: size.height, exits: names })
    for (const [e, target] of Object.entries(b.next)) if (model.byId.has(target)) wires.push({ source: b.id, exit: e, target })
  }
  return { nodes, wires }
}

/** What the layout worker is asked: an ELK graph, or a graph for layeredLayout. */
export type LayoutRequest = { id: number; elk: ElkNode } | { id: number; layered: LayeredGraph }

/** What the layout worker answers: progress, then positions or an error. */
export type LayoutReply = { id: number; progress: number } | { id: number; positions: Record<string, Position> } | { id: number; error: string }

/** The error of a layout cancelled before it finished. */
export class LayoutCancelled extends Error {
  constructor() {
    super('the layout was cancelled')
  }
}

/** A layout under way: its result, and how to stop it. */
export interface LayoutRun {
  done: Promise<Record<string, Position>>
  cancel: () => void
}

/**
 * Lays a flow out in a Web Worker (one per run, ended when the run ends or is cancelled):
 * ELK for small flows, layeredLayout for large ones. progress is told the fraction done when
 * the worker knows it.
 */
export function layoutFlow(
  model: FlowModel,
  exits: (blockId: string) => string[],
  sizes: (blockId: string) => Size | undefined,
  progress: (done: number) => void,
): LayoutRun {
  const request: LayoutRequest =
    model.blocks.length > elkLimit ? { id: 1, layered: toLayeredGraph(model, exits, sizes) } : { id: 1, elk: toElkGraph(model, exits, sizes) }
  const worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' })
  let settle: { resolve: (p: Record<string, Position>) => void; reject: (e: Error) => void } | null = null
  const done = new Promise<Record<string, Position>>((resolve, reject) => (settle = { resolve, reject }))
  const finish = (f: (s: NonNullable<typeof settle>) => void) => {
    worker.terminate()
    if (settle) f(settle)
    settle = null
  }
  worker.onmessage = (ev: MessageEvent<LayoutReply>) => {
    const r = ev.data
    if ('progress' in r) progress(r.progress)
    else if ('positions' in r) finish((s) => s.resolve(r.positions))
    else finish((s) => s.reject(new Error(r.error)))
  }
  worker.onerror = (ev) => finish((s) => s.reject(new Error(ev.message || 'the layout worker failed')))
  worker.postMessage(request)
  return { done, cancel: () => finish((s) => s.reject(new LayoutCancelled())) }
}
