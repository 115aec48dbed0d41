// The minimap of a large flow: one <canvas> with every block as a box in its category's colour,
// drawn again (when the browser is idle) only when the flow changes, and the view's rectangle over it, moved with the
// view without rendering React. React Flow's own minimap draws each block as an element that
// follows the store, which costs every frame of a pan or a drag thousands of look-ups.
// Pressing or dragging on it brings that part of the flow into view.

import { useEffect, useRef, type PointerEvent as ReactPointerEvent } from 'react'
import { Panel, useReactFlow, useStoreApi, type ReactFlowState } from '@xyflow/react'
import type { CanvasNode, Wire } from './graph'
import { farScene } from './FarLayer'
import { whenIdle } from '../document/idle'

/** The map's size in pixels, as React Flow's minimap (fit.ts keeps clear of it). */
const size = { width: 200, height: 150 }

/** Flow coordinates to map pixels: scale and offsets, fitting every box with a margin. */
interface Frame {
  k: number
  x0: number
  y0: number
}

function frameOf(scene: ReturnType<typeof farScene>): Frame {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  for (const b of scene.boxes) {
    x0 = Math.min(x0, b.x)
    y0 = Math.min(y0, b.y)
    x1 = Math.max(x1, b.x + b.w)
    y1 = Math.max(y1, b.y + b.h)
  }
  if (!Number.isFinite(x0)) return { k: 1, x0: 0, y0: 0 }
  const pad = 8
  const k = Math.min((size.width - 2 * pad) / Math.max(1, x1 - x0), (size.height - 2 * pad) / Math.max(1, y1 - y0))
  // centred in the map
  return { k, x0: x0 - (size.width / k - (x1 - x0)) / 2, y0: y0 - (size.height / k - (y1 - y0)) / 2 }
}

function drawMap(canvas: HTMLCanvasElement, scene: ReturnType<typeof farScene>, f: Frame): void {
  const ratio = window.devicePixelRatio || 1
  canvas.width = size.width * ratio
  canvas.height = size.height * ratio
  const ctx = canvas.getContext('2d')!
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
  ctx.clearRect(0, 0, size.width, size.height)
  const css = getComputedStyle(canvas)
  const color = (name: string) => css.getPropertyValue(name).trim() || '#888'
  const byColour = new Map<string, typeof scene.boxes>()
  for (const b of scene.boxes) {
    const key = b.mark === 'error' ? '--error' : b.mark === 'path' ? '--path' : b.mark === 'selected' ? '--accent' : `--cat-${b.category}`
    const list = byColour.get(key) ?? []
    list.push(b)
    byColour.set(key, list)
  }
  for (const [name, list] of byColour) {
    ctx.beginPath()
    for (const b of list) ctx.rect((b.x - f.x0) * f.k, (b.y - f.y0) * f.k, Math.max(1, b.w * f.k), Math.max(1, b.h * f.k))
    ctx.fillStyle = color(name)
    ctx.fill()
  }
  canvas.dataset.drawn = String(scene.boxes.length)
}

export interface OverviewMapProps {
  nodes: CanvasNode[]
  selection: string[]
  label: string
}

export function OverviewMap({ nodes, selection, label }: OverviewMapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const viewRef = useRef<HTMLDivElement>(null)
  const frame = useRef<Frame>({ k: 1, x0: 0, y0: 0 })
  const store = useStoreApi<CanvasNode, Wire>()
  const flow = useReactFlow<CanvasNode, Wire>()

  useEffect(() => {
    const canvas = canvasRef.current
    const view = viewRef.current
    if (!canvas || !view) return
    // worked out and drawn when the browser is idle: an edit or a selection does not wait for it
    let f: Frame | null = null
    let scene: ReturnType<typeof farScene> | null = null
    const follow = (s: ReactFlowState<CanvasNode, Wire>) => {
      if (!f) return
      const [tx, ty, k] = s.transform
      // the view's rectangle, clipped to the map
      const left = Math.max(0, ((-tx / k - f.x0) * f.k))
      const top = Math.max(0, ((-ty / k - f.y0) * f.k))
      const right = Math.min(size.width, ((-tx + s.width) / k - f.x0) * f.k)
      const bottom = Math.min(size.height, ((-ty + s.height) / k - f.y0) * f.k)
      view.style.transform = `translate(${left}px, ${top}px)`
      view.style.width = `${Math.max(0, right - left)}px`
      view.style.height = `${Math.max(0, bottom - top)}px`
    }
    const cancelDraw = whenIdle(() => {
      scene = farScene(nodes, [], new Set(selection))
      f = frameOf(scene)
      frame.current = f
      drawMap(canvas, scene, f)
      follow(store.getState())
    })
    let last = store.getState().transform
    let lastSize = [store.getState().width, store.getState().height]
    const stop = store.subscribe((s) => {
      if (s.transform === last && s.width === lastSize[0] && s.height === lastSize[1]) return
      last = s.transform
      lastSize = [s.width, s.height]
      follow(s)
    })
    // the colours come from the theme: a change of theme draws again
    const themes = new MutationObserver(() => {
      if (scene && f) drawMap(canvas, scene, f)
    })
    themes.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
    return () => {
      cancelDraw()
      stop()
      themes.disconnect()
    }
  }, [nodes, selection, store])

  /** Centres the view on the point of the flow under the pointer, at the same zoom. */
  const centreAt = (e: ReactPointerEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect()
    const f = frame.current
    const x = (e.clientX - r.left) / f.k + f.x0
    const y = (e.clientY - r.top) / f.k + f.y0
    void flow.setCenter(x, y, { zoom: flow.getZoom() })
  }

  return (
    <Panel position="bottom-right" className="overview-map" aria-label={label} data-testid="overview-map">
      <div
        className="overview-map-body"
        style={{ width: size.width, height: size.height }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId)
          centreAt(e)
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) centreAt(e)
        }}
      >
        <canvas ref={canvasRef} style={{ width: size.width, height: size.height }} aria-hidden />
        <div ref={viewRef} className="overview-map-view" aria-hidden />
      </div>
    </Panel>
  )
}
