// A fast layered layout for large flows, left to right, in time linear in the blocks and wires
// (times a few sweeps): each block goes one column right of the furthest block that leads to it
// (wires that loop back are left out), blocks in a column are ordered by where the blocks that
// lead to them stand, then stacked near the exits they come from. ELK's layered algorithm
// draws small flows better but takes minutes on a thousand blocks; this one takes milliseconds.

import type { Position } from '../document/model'

/** A block to place: its size and its exits in the order the block shows them. */
export interface LayeredNode {
  id: string
  width: number
  height: number
  exits: string[]
}

/** A wire: from a block's exit to a block. */
export interface LayeredWire {
  source: string
  exit: string
  target: string
}

/** The layout's input: blocks in the document's order, and the wires between them. */
export interface LayeredGraph {
  nodes: LayeredNode[]
  wires: LayeredWire[]
}

/** The gaps between columns and between blocks in a column. */
export const layeredSpacing = { column: 90, row: 40 }

/** How many times the columns are reordered, each way. */
const sweeps = 4

/**
 * Places the blocks; origin is where the layout starts. progress is told the fraction done
 * after each stage.
 */
export function layeredLayout(graph: LayeredGraph, origin: Position, progress?: (done: number) => void): Record<string, Position> {
  const n = graph.nodes.length
  const index = new Map(graph.nodes.map((b, i) => [b.id, i]))
  // out[i]: [target, slot of the exit among the block's exits, 0..1]
  const out: { to: number; slot: number }[][] = graph.nodes.map(() => [])
  const incoming: number[] = new Array<number>(n).fill(0)
  for (const w of graph.wires) {
    const s = index.get(w.source)
    const t = index.get(w.target)
    if (s === undefined || t === undefined || s === t) continue
    const exits = graph.nodes[s].exits
    const k = exits.indexOf(w.exit)
    out[s].push({ to: t, slot: exits.length ? ((k < 0 ? exits.length : k) + 0.5) / (exits.length + 1) : 0.5 })
    incoming[t]++
  }

  // a depth-first walk from the blocks nothing leads to (in the document's order), then from any
  // block left: it orders the blocks, and tells which wires loop back (to a block on the path)
  const order: number[] = []
  const state = new Uint8Array(n) // 0 unseen, 1 on the path, 2 done
  const back = new Set<string>()
  const walk = (root: number) => {
    const stack: { v: number; next: number }[] = [{ v: root, next: 0 }]
    state[root] = 1
    order.push(root)
    while (stack.length) {
      const top = stack[stack.length - 1]
      if (top.next >= out[top.v].length) {
        state[top.v] = 2
        stack.pop()
        continue
      }
      const w = out[top.v][top.next++]
      if (state[w.to] === 1) back.add(`${top.v}>${w.to}`)
      else if (state[w.to] === 0) {
        state[w.to] = 1
        order.push(w.to)
        stack.push({ v: w.to, next: 0 })
      }
    }
  }
  for (let i = 0; i < n; i++) if (incoming[i] === 0 && state[i] === 0) walk(i)
  for (let i = 0; i < n; i++) if (state[i] === 0) walk(i)
  progress?.(0.2)

  // columns: the longest path of forward wires that leads to each block
  const forward: { to: number; slot: number }[][] = out.map((ws, s) => ws.filter((w) => !back.has(`${s}>${w.to}`)))
  const preds: { from: number; slot: number }[][] = graph.nodes.map(() => [])
  const waiting = new Array<number>(n).fill(0)
  for (let s = 0; s < n; s++)
    for (const w of forward[s]) {
      preds[w.to].push({ from: s, slot: w.slot })
      waiting[w.to]++
    }
  const column = new Array<number>(n).fill(0)
  const queue = order.filter((i) => waiting[i] === 0)
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]
    for (const w of forward[s]) {
      column[w.to] = Math.max(column[w.to], column[s] + 1)
      if (--waiting[w.to] === 0) queue.push(w.to)
    }
  }
  const columns: number[][] = []
  for (const i of order) (columns[column[i]] ??= []).push(i)
  progress?.(0.4)

  // order each column by the mean rank of the exits leading to it, sweeping right then left
  const rank = new Float64Array(n)
  const ranks = () => columns.forEach((c) => c.forEach((v, r) => (rank[v] = r)))
  ranks()
  const succs: { to: number; slot: number }[][] = forward
  for (let s = 0; s < sweeps; s++) {
    const rightward = s % 2 === 0
    const seq = rightward ? columns.keys() : [...columns.keys()].reverse()
    for (const c of seq) {
      const col = columns[c]
      if (!col || col.length < 2) continue
      const key = new Map<number, number>()
      for (const v of col) {
        const links = rightward ? preds[v].map((p) => rank[p.from] + p.slot) : succs[v].map((w) => rank[w.to])
        key.set(v, links.length ? links.reduce((a, b) => a + b, 0) / links.length : rank[v])
      }
      col.sort((a, b) => key.get(a)! - key.get(b)! || rank[a] - rank[b])
      col.forEach((v, r) => (rank[v] = r))
    }
    progress?.(0.4 + (0.4 * (s + 1)) / sweeps)
  }

  // place: columns side by side, each block level with the exits leading to it when there is room
  const pos: Record<string, Position> = {}
  const y = new Float64Array(n)
  let x = origin.x
  for (const col of columns) {
    if (!col) continue
    let width = 0
    let floor = origin.y
    for (const v of col) {
      const b = graph.nodes[v]
      width = Math.max(width, b.width)
      const from = preds[v]
      const want = from.length ? from.reduce((a, p) => a + y[p.from] + p.slot * graph.nodes[p.from].height, 0) / from.length - b.height / 2 : floor
      y[v] = Math.max(floor, want)
      floor = y[v] + b.height + layeredSpacing.row
      pos[b.id] = { x: Math.round(x), y: Math.round(y[v]) }
    }
    x += width + layeredSpacing.column
  }
  progress?.(1)
  return pos
}
