import { describe, expect, it } from 'vitest'
import { layeredLayout, layeredSpacing, type LayeredGraph } from './layered'

const origin = { x: 40, y: 40 }

/** A chain of n blocks where block i leads to i+1, i+2 and i+3, like the browser tests' big flow. */
function chain(n: number): LayeredGraph {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `b${i}`, width: 180, height: 100, exits: ['a', 'b', 'c'] }))
  const wires = nodes.flatMap((_, i) => ['a', 'b', 'c'].map((exit, j) => ({ source: `b${i}`, exit, target: `b${Math.min(n - 1, i + 1 + j)}` }))).filter((w) => w.source !== w.target)
  return { nodes, wires }
}

/** Says which blocks of a layout overlap another. */
function overlaps(g: LayeredGraph, pos: Record<string, { x: number; y: number }>): string[] {
  const out: string[] = []
  for (const a of g.nodes)
    for (const b of g.nodes) {
      if (a.id >= b.id) continue
      const [p, q] = [pos[a.id], pos[b.id]]
      if (p.x < q.x + b.width && q.x < p.x + a.width && p.y < q.y + b.height && q.y < p.y + a.height) out.push(`${a.id}/${b.id}`)
    }
  return out
}

describe('the layered layout', () => {
  it('puts every block right of the blocks that lead to it, with no two overlapping', () => {
    const g: LayeredGraph = {
      nodes: ['t', 'a', 'b', 'c', 'd'].map((id) => ({ id, width: 180, height: id === 'a' ? 140 : 90, exits: ['x', 'y'] })),
      wires: [
        { source: 't', exit: 'x', target: 'a' },
        { source: 't', exit: 'y', target: 'b' },
        { source: 'a', exit: 'x', target: 'c' },
        { source: 'b', exit: 'x', target: 'c' },
        { source: 'c', exit: 'x', target: 'd' },
        { source: 'd', exit: 'x', target: 'a' }, // loops back
      ],
    }
    const pos = layeredLayout(g, origin)
    expect(pos.t).toEqual(origin)
    for (const w of g.wires.slice(0, 5)) expect(pos[w.target].x, `${w.source} → ${w.target}`).toBeGreaterThan(pos[w.source].x)
    expect(pos.a.x).toBe(pos.b.x)
    // the first exit's block above the second's
    expect(pos.a.y).toBeLessThan(pos.b.y)
    expect(pos.b.y).toBeGreaterThanOrEqual(pos.a.y + 140 + layeredSpacing.row)
    expect(overlaps(g, pos)).toEqual([])
  })

  it('places unreachable blocks and loops of blocks without a start too', () => {
    const g: LayeredGraph = {
      nodes: ['p', 'q', 'lone'].map((id) => ({ id, width: 100, height: 50, exits: ['next'] })),
      wires: [
        { source: 'p', exit: 'next', target: 'q' },
        { source: 'q', exit: 'next', target: 'p' },
        { source: 'p', exit: 'next', target: 'missing' },
      ],
    }
    const pos = layeredLayout(g, origin)
    expect(Object.keys(pos).sort()).toEqual(['lone', 'p', 'q'])
    expect(overlaps(g, pos)).toEqual([])
  })

  it('lays 2000 blocks out, telling its progress up to the end', () => {
    const g = chain(2000)
    const seen: number[] = []
    const pos = layeredLayout(g, origin, (d) => seen.push(d))
    expect(Object.keys(pos)).toHaveLength(2000)
    expect(seen.at(-1)).toBe(1)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
    for (let i = 1; i < 2000; i++) expect(pos[`b${i}`].x).toBeGreaterThan(pos[`b${i - 1}`].x)
  })
})
