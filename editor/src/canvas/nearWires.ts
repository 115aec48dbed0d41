// The blocks, notes and wires React Flow is given on a large flow: those that may lie in the
// view or the area of one view around it, not all of them. React Flow looks at every wire and
// block it has on each change of its store (each frame of a pan or a drag), to tell whether it
// is in view or to apply a drag's move; the canvas hands it those of a wider area again when
// the view leaves that area.

import type { ReactFlowState } from '@xyflow/react'
import type { CanvasNode, Wire } from './graph'

/** A rectangle of the flow, in flow coordinates. */
export interface Region {
  x0: number
  y0: number
  x1: number
  y1: number
}

/** The part of the flow in view. */
export function viewRegion([tx, ty, k]: ReactFlowState['transform'], width: number, height: number): Region {
  return { x0: -tx / k, y0: -ty / k, x1: (width - tx) / k, y1: (height - ty) / k }
}

/** The view with one view's width and height around it on each side. */
export function regionAround(view: Region): Region {
  const w = view.x1 - view.x0
  const h = view.y1 - view.y0
  return { x0: view.x0 - w, y0: view.y0 - h, x1: view.x1 + w, y1: view.y1 + h }
}

/** Tells whether the wires of region still serve the view: it lies inside the region, and the
 * region is not many times larger than it (after zooming in a long way). */
export function serves(region: Region | null, view: Region): boolean {
  if (!region) return false
  if (view.x0 < region.x0 || view.y0 < region.y0 || view.x1 > region.x1 || view.y1 > region.y1) return false
  const area = (r: Region) => (r.x1 - r.x0) * (r.y1 - r.y0)
  return area(region) <= 36 * area(view)
}

/** The box of a block or note, with its size as built (or a block's usual size). */
function boxOf(n: CanvasNode): Region {
  const w = n.initialWidth ?? n.width ?? 180
  const h = n.initialHeight ?? n.height ?? 100
  return { x0: n.position.x, y0: n.position.y, x1: n.position.x + w, y1: n.position.y + h }
}

function meets(a: Region, b: Region): boolean {
  return a.x0 <= b.x1 && a.x1 >= b.x0 && a.y0 <= b.y1 && a.y1 >= b.y0
}

/** The wires whose box (that of the two blocks they join) meets the region, in their order. */
export function wiresNear(nodes: CanvasNode[], wires: Wire[], r: Region): Wire[] {
  const boxes = new Map<string, Region>()
  for (const n of nodes) boxes.set(n.id, boxOf(n))
  return wires.filter((e) => {
    const s = boxes.get(e.source)
    const t = boxes.get(e.target)
    if (!s || !t) return true
    return Math.min(s.x0, t.x0) <= r.x1 && Math.max(s.x1, t.x1) >= r.x0 && Math.min(s.y0, t.y0) <= r.y1 && Math.max(s.y1, t.y1) >= r.y0
  })
}

/** The blocks and notes whose box meets the region, those the wires given join (React Flow
 * draws a wire only between blocks it has), and those kept whatever their place (selected,
 * dragged, brought into view), in their order. */
export function nodesNear(nodes: CanvasNode[], wires: Wire[], r: Region, keep: ReadonlySet<string>): CanvasNode[] {
  const ends = new Set<string>()
  for (const e of wires) {
    ends.add(e.source)
    ends.add(e.target)
  }
  return nodes.filter((n) => keep.has(n.id) || ends.has(n.id) || meets(boxOf(n), r))
}
