import ELK from 'elkjs/lib/elk.bundled.js'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { exitsOf } from '../catalogue/catalogue'
import { modelFromData } from '../document/model'
import { exampleFlow, testCatalogue } from '../document/testflows'
import { fromElkGraph, layoutOrigin, toElkGraph } from './layout'

const catalogue = testCatalogue()
const model = modelFromData(parse(exampleFlow('facebook-care')))
const exits = (id: string) => {
  const b = model.byId.get(id)!
  return exitsOf(
    catalogue.blocks.find((i) => i.type === b.type),
    b.params,
  )
}

describe('the layout adapter', () => {
  it('makes a node per block with a port per exit in order, and an edge per wire', () => {
    const g = toElkGraph(model, exits, (id) => (id === 'fb' ? { width: 100, height: 50 } : undefined))
    expect(g.children).toHaveLength(model.blocks.length)
    const fb = g.children!.find((c) => c.id === 'fb')!
    expect(fb).toMatchObject({ width: 100, height: 50 })
    expect(fb.ports!.map((p) => p.id)).toEqual(['in:fb', 'out:fb:post', 'out:fb:comment', 'out:fb:message'])
    expect(fb.ports![2].layoutOptions).toEqual({ 'elk.port.side': 'EAST', 'elk.port.index': '1' })
    const topic = g.children!.find((c) => c.id === 'topic')!
    expect(topic.height).toBe(70 + 22 * 2)
    const wires = Object.values(Object.fromEntries(model.blocks.map((b) => [b.id, b.next]))).reduce((n, next) => n + Object.keys(next).length, 0)
    expect(g.edges).toHaveLength(wires)
    expect(g.edges!.find((e) => e.id === 'wire:topic:billing')).toEqual({
      id: 'wire:topic:billing',
      sources: ['out:topic:billing'],
      targets: ['in:to-billing'],
    })
  })

  it('leaves out wires to blocks that do not exist, and keeps ports for wired unknown exits', () => {
    const broken = modelFromData(
      parse('blocks:\n  a:\n    type: webchat.trigger\n    next: {message: nowhere, other: b}\n  b:\n    type: end\n'),
    )
    const g = toElkGraph(broken, () => ['message'], () => undefined)
    expect(g.edges!.map((e) => e.id)).toEqual(['wire:a:other'])
    expect(g.children![0].ports!.map((p) => p.id)).toEqual(['in:a', 'out:a:message', 'out:a:other'])
  })

  it('reads positions from ELK, left to right from the trigger, without overlaps', async () => {
    const out = await new ELK().layout(toElkGraph(model, exits, () => undefined))
    const pos = fromElkGraph(out)
    expect(Object.keys(pos).sort()).toEqual(model.blocks.map((b) => b.id).sort())
    expect(Math.min(...Object.values(pos).map((p) => p.x))).toBe(layoutOrigin.x)
    expect(pos.fb.x).toBeLessThan(pos.outage.x)
    expect(pos.outage.x).toBeLessThan(pos.holidays.x)
    expect(pos.topic.x).toBeLessThan(pos['to-billing'].x)
    const boxes = out.children!.map((c) => ({ x: c.x!, y: c.y!, w: c.width!, h: c.height! }))
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]
        const b = boxes[j]
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
        expect(overlap).toBe(false)
      }
  })
})
