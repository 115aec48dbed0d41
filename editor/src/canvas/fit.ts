// Fitting the whole flow in view. React Flow's own fitView waits until every block has been
// measured, which blocks out of view never are (only what is visible is drawn).

import { getViewportForBounds, type ReactFlowInstance, type ReactFlowState } from '@xyflow/react'
import type { CanvasNode, Wire } from './graph'

/** How a flow is fitted: a margin around it, and no closer than zoom 1. */
export const fitOptions = { padding: 0.12, maxZoom: 1 }

export function fitFlow(
  flow: ReactFlowInstance<CanvasNode, Wire>,
  state: Pick<ReactFlowState, 'width' | 'height' | 'minZoom'>,
  animate: boolean,
): void {
  const nodes = flow.getNodes()
  if (nodes.length === 0 || state.width === 0) return
  const v = getViewportForBounds(flow.getNodesBounds(nodes), state.width, state.height, state.minZoom, fitOptions.maxZoom, fitOptions.padding)
  void flow.setViewport(v, animate ? { duration: 200 } : undefined)
}
