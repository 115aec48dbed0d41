// Fitting the whole flow in view. React Flow's own fitView waits until every block has been
// measured, which blocks out of view never are (only what is visible is drawn). The fit keeps
// clear of the minimap in the bottom right corner: it leaves the minimap's width free on the
// right or its height free at the bottom, whichever shows the flow larger.

import { getNodesBounds, getViewportForBounds, type ReactFlowInstance, type ReactFlowState, type Rect, type Viewport } from '@xyflow/react'
import type { CanvasNode, Wire } from './graph'
import { placeholderZoom } from './BlockNode'
import { farLayerMin } from './FarLayer'
import type { Position } from '../document/model'

/** How a flow is fitted: a margin around it, and no closer than zoom 1. */
export const fitOptions = { padding: 0.06, maxZoom: 1 }

/** The room the minimap takes in the bottom right corner, margins included (React Flow's
 * default minimap is 200 × 150 pixels, 15 from the edges). */
export const minimapRoom = { width: 230, height: 180 }

/** The viewport that shows bounds whole, clear of the minimap. */
export function fitViewport(bounds: Rect, width: number, height: number, minZoom: number): Viewport {
  const px = (n: number) => `${Math.round(n)}px` as const
  const side = (right: number, bottom: number) => ({
    top: px(height * fitOptions.padding),
    left: px(width * fitOptions.padding),
    right: px(right),
    bottom: px(bottom),
  })
  const besideMap = getViewportForBounds(bounds, width, height, minZoom, fitOptions.maxZoom, side(minimapRoom.width, height * fitOptions.padding))
  const aboveMap = getViewportForBounds(bounds, width, height, minZoom, fitOptions.maxZoom, side(width * fitOptions.padding, minimapRoom.height))
  return aboveMap.zoom > besideMap.zoom ? aboveMap : besideMap
}

export function fitFlow(
  flow: ReactFlowInstance<CanvasNode, Wire>,
  state: Pick<ReactFlowState, 'width' | 'height' | 'minZoom'>,
  animate: boolean,
  all: CanvasNode[],
): void {
  // every block and note of the flow (React Flow may have only those near the view), measured
  // where React Flow has them
  const nodes = all.map((n) => flow.getNode(n.id) ?? n)
  if (nodes.length === 0 || state.width === 0) return
  const v = fitViewport(getNodesBounds(nodes), state.width, state.height, state.minZoom)
  // a large flow fitted far out jumps there: on the way, every zoom above the far layer's would
  // draw hundreds of blocks for a frame each
  const jump = v.zoom < placeholderZoom && nodes.length > farLayerMin
  if (!jump) {
    void flow.setViewport(v, animate ? { duration: 200 } : undefined)
    return
  }
  // hidden before the view changes (React Flow applies them with its next render), so that it
  // never draws them all for a frame: the far layer draws them, and the canvas keeps them
  // hidden once it sees the zoom
  flow.setNodes((ns) => ns.map((n) => (n.hidden ? n : { ...n, hidden: true })))
  flow.setEdges((es) => es.map((e) => (e.hidden ? e : { ...e, hidden: true })))
  requestAnimationFrame(() => requestAnimationFrame(() => void flow.setViewport(v)))
}

/** The lowest zoom at which a block's texts can be read. */
export const readableZoom = 0.8

/** The box around laid out blocks (sizes measured, or a block's default), or null when none. */
export function layoutBounds(positions: Record<string, Position>, sizes: (id: string) => { width: number; height: number } | undefined): Rect | null {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [id, p] of Object.entries(positions)) {
    const s = sizes(id) ?? { width: 180, height: 120 }
    x0 = Math.min(x0, p.x)
    y0 = Math.min(y0, p.y)
    x1 = Math.max(x1, p.x + s.width)
    y1 = Math.max(y1, p.y + s.height)
  }
  return x0 === Infinity ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/** The viewport after a layout: the whole flow when it fits at a readable zoom, otherwise
 * the readable zoom with the trigger at the left, level with the middle of the view. */
export function readableViewport(bounds: Rect, width: number, height: number, minZoom: number, trigger: Position | undefined): Viewport {
  const whole = fitViewport(bounds, width, height, minZoom)
  if (whole.zoom >= readableZoom || !trigger) return whole
  const k = readableZoom
  return { x: width * fitOptions.padding - trigger.x * k, y: height / 2 - (trigger.y + 40) * k, zoom: k }
}

/** Moves the view to readableViewport. */
export function fitReadable(
  flow: ReactFlowInstance<CanvasNode, Wire>,
  state: Pick<ReactFlowState, 'width' | 'height' | 'minZoom'>,
  bounds: Rect,
  trigger: Position | undefined,
): void {
  if (state.width === 0) return
  void flow.setViewport(readableViewport(bounds, state.width, state.height, state.minZoom, trigger), { duration: 200 })
}
