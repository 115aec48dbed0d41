// Fitting the whole flow in view. React Flow's own fitView waits until every block has been
// measured, which blocks out of view never are (only what is visible is drawn). The fit keeps
// clear of the minimap in the bottom right corner: it leaves the minimap's width free on the
// right or its height free at the bottom, whichever shows the flow larger.

import { getViewportForBounds, type ReactFlowInstance, type ReactFlowState, type Rect, type Viewport } from '@xyflow/react'
import type { CanvasNode, Wire } from './graph'

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
): void {
  const nodes = flow.getNodes()
  if (nodes.length === 0 || state.width === 0) return
  const v = fitViewport(flow.getNodesBounds(nodes), state.width, state.height, state.minZoom)
  void flow.setViewport(v, animate ? { duration: 200 } : undefined)
}
