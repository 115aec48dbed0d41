import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { modelFromData } from '../document/model'
import { exampleFlow, testCatalogue } from '../document/testflows'
import { blockAt, farScene } from './FarLayer'
import { createGraphBuilder } from './graph'

const catalogue = testCatalogue()
const types = new Map(catalogue.blocks.map((b) => [b.type, b]))
const model = modelFromData(parse(exampleFlow('facebook-care')))

describe('the far layer', () => {
  const build = createGraphBuilder()
  const graph = build({ model, types, diagnostics: [{ severity: 'error', code: 'x', message: 'x', path: 'blocks.topic.params', file: '', line: 1, column: 1 }], readOnly: false, trace: null, traceStep: null, diff: null })

  it('draws a box per block with its category and marks, and a line per wire from its exit', () => {
    const scene = farScene(graph.nodes, graph.edges, new Set(['hours']))
    expect(scene.boxes).toHaveLength(model.blocks.length)
    const hours = scene.boxes.find((b) => b.id === 'hours')!
    expect(hours).toMatchObject({ category: 'calendar', mark: 'selected' })
    expect(scene.boxes.find((b) => b.id === 'topic')!.mark).toBe('error')
    expect(scene.wires).toHaveLength(graph.edges.length)
    // a wire leaves from its exit's handle: the second exit is lower than the first
    const [first, second] = scene.wires.filter(([s]) => s.id === 'hours')
    expect(second[1]).toBeGreaterThan(first[1])
  })

  it('finds the block under a point', () => {
    const scene = farScene(graph.nodes, graph.edges, new Set())
    const b = scene.boxes.find((x) => x.id === 'topic')!
    expect(blockAt(scene, b.x + 5, b.y + 5)).toBe('topic')
    expect(blockAt(scene, -10_000, -10_000)).toBeNull()
  })
})
