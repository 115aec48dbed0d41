// Auto-layout with ELK's layered algorithm, left to right: the flow becomes an ELK graph (a node
// per block, a port per exit in the order the block shows them, an edge per wire), ELK lays it
// out in a Web Worker, and the answer becomes block positions.

import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api'
import type { FlowModel, Position } from '../document/model'

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

let worker: Worker | null = null
let seq = 0
const pending = new Map<number, { resolve: (g: ElkNode) => void; reject: (e: Error) => void }>()

/** Lays a graph out in the layout worker. */
export function layoutInWorker(graph: ElkNode): Promise<ElkNode> {
  if (!worker) {
    worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' })
    worker.onmessage = (ev: MessageEvent<{ id: number; graph?: ElkNode; error?: string }>) => {
      const p = pending.get(ev.data.id)
      if (!p) return
      pending.delete(ev.data.id)
      if (ev.data.graph) p.resolve(ev.data.graph)
      else p.reject(new Error(ev.data.error ?? 'the layout failed'))
    }
    worker.onerror = (ev) => {
      for (const p of pending.values()) p.reject(new Error(ev.message || 'the layout worker failed'))
      pending.clear()
      worker = null
    }
  }
  const id = ++seq
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject })
    worker!.postMessage({ id, graph })
  })
}
