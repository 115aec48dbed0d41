// Far out on a large flow, the blocks and wires are drawn on one <canvas> instead of thousands
// of elements: each block a box in its category's colour (outlined when selected, on the path
// or in trouble) with its id when there is room for it, each wire a straight line. The drawing
// covers the view and half a view around it, so that panning only moves the picture; it is
// redrawn when the zoom changes, when the view leaves the drawn area, or when the flow does.

import { useEffect, useRef } from 'react'
import { useStoreApi, type ReactFlowState } from '@xyflow/react'
import type { BlockNode, CanvasNode, Wire } from './graph'

/** Flows with more blocks are drawn on the far layer when zoomed out past placeholderZoom. */
export const farLayerMin = 100

/** How much of the view is drawn around it on each side, as a fraction of its size. */
const margin = 0.5

/** A block's id is written when its box is at least this many pixels wide on screen. */
const labelMinWidth = 40

interface Box {
  id: string
  x: number
  y: number
  w: number
  h: number
  category: string
  mark: 'selected' | 'error' | 'warning' | 'path' | null
  exits: Map<string, number>
}

/** The boxes and wires to draw, from the canvas's nodes and edges. */
export function farScene(nodes: CanvasNode[], edges: Wire[], selected: ReadonlySet<string>): { boxes: Box[]; wires: [Box, number, Box, boolean][] } {
  const boxes = new Map<string, Box>()
  for (const n of nodes) {
    if (n.type !== 'block') continue
    const b = n as BlockNode
    const d = b.data
    const exits = new Map<string, number>()
    for (const h of b.handles ?? []) if (h.type === 'source' && h.id) exits.set(h.id, h.y + (h.height ?? 10) / 2)
    boxes.set(b.id, {
      id: d.block.id,
      x: b.position.x,
      y: b.position.y,
      w: b.initialWidth ?? 180,
      h: b.initialHeight ?? 100,
      category: d.info?.category ?? 'unknown',
      mark: selected.has(b.id) ? 'selected' : d.problem ? d.problem : d.steps ? 'path' : null,
      exits,
    })
  }
  const wires: [Box, number, Box, boolean][] = []
  for (const e of edges) {
    const s = boxes.get(e.source)
    const t = boxes.get(e.target)
    if (s && t) wires.push([s, s.exits.get(e.sourceHandle ?? '') ?? s.h / 2, t, Boolean(e.data?.onPath)])
  }
  return { boxes: [...boxes.values()], wires }
}

/** Finds the block under a point of the flow, or null. */
export function blockAt(scene: ReturnType<typeof farScene>, x: number, y: number): string | null {
  for (let i = scene.boxes.length - 1; i >= 0; i--) {
    const b = scene.boxes[i]
    if (x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h) return b.id
  }
  return null
}

type Drawn = { tx: number; ty: number; k: number; w: number; h: number }

/** Draws a scene for the transform [tx, ty, k] on a canvas of the view's size plus margins. */
function draw(canvas: HTMLCanvasElement, scene: ReturnType<typeof farScene>, [tx, ty, k]: ReactFlowState['transform'], w: number, h: number): Drawn {
  const mw = Math.round(w * margin)
  const mh = Math.round(h * margin)
  const cw = w + 2 * mw
  const ch = h + 2 * mh
  if (canvas.width !== cw) canvas.width = cw
  if (canvas.height !== ch) canvas.height = ch
  const css = getComputedStyle(canvas)
  const color = (name: string) => css.getPropertyValue(name).trim() || '#888'
  const ctx = canvas.getContext('2d')!
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.clearRect(0, 0, cw, ch)
  ctx.setTransform(k, 0, 0, k, tx + mw, ty + mh)
  // what lies in the drawn area, in flow coordinates
  const x0 = (-mw - tx) / k
  const y0 = (-mh - ty) / k
  const x1 = x0 + cw / k
  const y1 = y0 + ch / k
  const inside = (b: Box) => b.x + b.w >= x0 && b.x <= x1 && b.y + b.h >= y0 && b.y <= y1

  const px = 1 / k
  for (const onPath of [false, true]) {
    ctx.beginPath()
    for (const [s, sy, t, p] of scene.wires) {
      if (p !== onPath || (!inside(s) && !inside(t))) continue
      ctx.moveTo(s.x + s.w, s.y + sy)
      ctx.lineTo(t.x, t.y + 18)
    }
    ctx.lineWidth = (onPath ? 2.5 : 1) * px
    ctx.strokeStyle = onPath ? color('--path') : color('--handle-border')
    ctx.stroke()
  }

  const shown = scene.boxes.filter(inside)
  ctx.beginPath()
  for (const b of shown) ctx.rect(b.x, b.y, b.w, b.h)
  ctx.fillStyle = color('--panel')
  ctx.fill()
  ctx.lineWidth = px
  ctx.strokeStyle = color('--block-border')
  ctx.stroke()

  const band = Math.max(12, 4 * px)
  const byCategory = new Map<string, Box[]>()
  for (const b of shown) {
    const list = byCategory.get(b.category) ?? []
    list.push(b)
    byCategory.set(b.category, list)
  }
  for (const [category, list] of byCategory) {
    ctx.beginPath()
    for (const b of list) ctx.rect(b.x, b.y, band, b.h)
    ctx.fillStyle = color(`--cat-${category}`)
    ctx.fill()
  }

  const marks: [Box['mark'], string][] = [
    ['path', '--path'],
    ['warning', '--warning-line'],
    ['error', '--error'],
    ['selected', '--accent'],
  ]
  for (const [mark, name] of marks) {
    ctx.beginPath()
    for (const b of shown) if (b.mark === mark) ctx.rect(b.x, b.y, b.w, b.h)
    ctx.lineWidth = 3 * px
    ctx.strokeStyle = color(name)
    ctx.stroke()
  }

  // ids, at a size read on screen, when the boxes are wide enough
  if (180 * k >= labelMinWidth) {
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    const size = Math.max(10, Math.min(14, 22 * k))
    ctx.font = `600 ${size}px system-ui, sans-serif`
    ctx.fillStyle = color('--text')
    ctx.textBaseline = 'middle'
    for (const b of shown) {
      const room = (b.w - band) * k - 8
      const sx = (b.x + band) * k + tx + mw + 4
      const sy = (b.y + 19) * k + ty + mh
      let text = b.id
      if (ctx.measureText(text).width > room) {
        while (text.length > 1 && ctx.measureText(`${text}…`).width > room) text = text.slice(0, -1)
        text = `${text}…`
      }
      ctx.fillText(text, sx, sy)
    }
  }
  return { tx, ty, k, w, h }
}

export interface FarLayerProps {
  scene: ReturnType<typeof farScene>
}

/** The far layer's canvas: it follows React Flow's view without rendering React. */
export function FarLayer({ scene }: FarLayerProps) {
  const ref = useRef<HTMLCanvasElement>(null)
  const store = useStoreApi<CanvasNode, Wire>()
  useEffect(() => {
    const canvas = ref.current
    if (!canvas) return
    let drawn: Drawn | null = null
    let frame = 0
    const redraw = () => {
      frame = 0
      const s = store.getState()
      drawn = draw(canvas, scene, s.transform, s.width, s.height)
      canvas.style.transform = `translate(${-Math.round(s.width * margin)}px, ${-Math.round(s.height * margin)}px)`
      canvas.dataset.drawn = String(scene.boxes.length)
    }
    const follow = (s: ReactFlowState<CanvasNode, Wire>) => {
      const [tx, ty, k] = s.transform
      const d = drawn
      if (d && d.k === k && d.w === s.width && d.h === s.height && Math.abs(tx - d.tx) <= d.w * margin && Math.abs(ty - d.ty) <= d.h * margin) {
        canvas.style.transform = `translate(${tx - d.tx - Math.round(d.w * margin)}px, ${ty - d.ty - Math.round(d.h * margin)}px)`
        return
      }
      if (!frame) frame = requestAnimationFrame(redraw)
    }
    redraw()
    const stop = store.subscribe(follow)
    // the colours come from the theme: a change of theme draws again
    const themes = new MutationObserver(() => {
      if (!frame) frame = requestAnimationFrame(redraw)
    })
    themes.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
    return () => {
      stop()
      themes.disconnect()
      if (frame) cancelAnimationFrame(frame)
    }
  }, [scene, store])
  return <canvas ref={ref} className="far-layer" data-testid="far-layer" aria-hidden />
}
