import { describe, expect, it } from 'vitest'
import { nodesNear, regionAround, serves, viewRegion, wiresNear } from './nearWires'
import type { CanvasNode, Wire } from './graph'

const node = (id: string, x: number, y: number): CanvasNode => ({ id, type: 'block', position: { x, y }, initialWidth: 180, initialHeight: 100, data: {} }) as unknown as CanvasNode
const wire = (source: string, target: string): Wire => ({ id: `${source}-${target}`, source, target })

describe('the wires near the view', () => {
  // a row of blocks 1000 apart
  const nodes = [node('a', 0, 0), node('b', 1000, 0), node('c', 5000, 0), node('d', 9000, 0)]
  const wires = [wire('a', 'b'), wire('b', 'c'), wire('c', 'd'), wire('a', 'd')]

  it('keeps the wires whose blocks span the region, even when neither block is in it', () => {
    const r = { x0: 4000, y0: -100, x1: 6000, y1: 200 }
    expect(wiresNear(nodes, wires, r).map((w) => w.id)).toEqual(['b-c', 'c-d', 'a-d'])
    expect(wiresNear(nodes, wires, { x0: 100, y0: -50, x1: 900, y1: 50 }).map((w) => w.id)).toEqual(['a-b', 'a-d'])
    expect(wiresNear(nodes, wires, { x0: 0, y0: 500, x1: 900, y1: 600 })).toEqual([])
  })

  it('takes one view around the view, and serves while the view stays inside it at a similar zoom', () => {
    const view = viewRegion([-1000, 0, 1], 1000, 500)
    expect(view).toEqual({ x0: 1000, y0: -0, x1: 2000, y1: 500 })
    const r = regionAround(view)
    expect(r).toEqual({ x0: 0, y0: -500, x1: 3000, y1: 1000 })
    expect(serves(r, view)).toBe(true)
    expect(serves(r, viewRegion([-1900, 0, 1], 1000, 500))).toBe(true)
    expect(serves(r, viewRegion([-2100, 0, 1], 1000, 500))).toBe(false)
    // zoomed out past it, or far in
    expect(serves(r, viewRegion([0, 0, 0.25], 1000, 500))).toBe(false)
    expect(serves(r, viewRegion([-1500 * 8, -250 * 8, 8], 1000, 500))).toBe(false)
    expect(serves(null, view)).toBe(false)
  })
})

describe('the blocks near the view', () => {
  const nodes = [node('a', 0, 0), node('b', 1000, 0), node('c', 5000, 0), node('d', 9000, 0), node('e', 0, 3000)]
  const none = new Set<string>()

  it('keeps the blocks whose box meets the region, in their order', () => {
    expect(nodesNear(nodes, [], { x0: 100, y0: -50, x1: 1100, y1: 50 }, none).map((n) => n.id)).toEqual(['a', 'b'])
    // touching its edge is enough
    expect(nodesNear(nodes, [], { x0: 180, y0: 100, x1: 900, y1: 200 }, none).map((n) => n.id)).toEqual(['a'])
    expect(nodesNear(nodes, [], { x0: 2000, y0: 0, x1: 4000, y1: 100 }, none)).toEqual([])
  })

  it('keeps the blocks the wires given join, and those asked for, wherever they are', () => {
    const r = { x0: 4000, y0: -100, x1: 6000, y1: 200 }
    const wires = wiresNear(nodes, [wire('b', 'c'), wire('a', 'e')], r)
    expect(wires.map((w) => w.id)).toEqual(['b-c'])
    expect(nodesNear(nodes, wires, r, none).map((n) => n.id)).toEqual(['b', 'c'])
    expect(nodesNear(nodes, wires, r, new Set(['e', 'd'])).map((n) => n.id)).toEqual(['b', 'c', 'd', 'e'])
  })
})
