import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { Outcome } from '../api/types'
import { diffFlows } from '../document/diff'
import { modelFromData } from '../document/model'
import { exampleFlow, testCatalogue } from '../document/testflows'
import { blockGeometry, blockOfPath, createGraphBuilder, summarize, type BlockNode, type GraphInput } from './graph'

const types = new Map(testCatalogue().blocks.map((b) => [b.type, b]))
const text = exampleFlow('facebook-care')
const model = modelFromData(parse(text))
const input = (over: Partial<GraphInput> = {}): GraphInput => ({ model, types, diagnostics: [], readOnly: false, trace: null, traceStep: null, diff: null, ...over })
const block = (nodes: { id: string }[], id: string) => nodes.find((n) => n.id === id) as BlockNode

describe('the canvas graph', () => {
  it('makes a node per block with its exits as handles, and an edge per wire', () => {
    const { nodes, edges } = createGraphBuilder()(input())
    expect(nodes.filter((n) => n.type === 'block')).toHaveLength(model.blocks.length)
    const topic = block(nodes, 'topic')
    expect(topic.data.exits).toEqual(['billing', 'nomatch'])
    expect(topic.handles?.map((h) => h.id)).toEqual(['billing', 'nomatch', 'in'])
    expect(edges.find((e) => e.id === 'topic:billing')).toMatchObject({ source: 'topic', sourceHandle: 'billing', target: 'to-billing', targetHandle: 'in' })
    expect(block(nodes, 'fb').handles?.some((h) => h.type === 'target')).toBe(false)
  })

  it('keeps the node of a block that did not change', () => {
    const build = createGraphBuilder()
    const a = build(input())
    const moved = modelFromData(parse(text.replace('ui: {x: 1580, "y": 200}', 'ui: {x: 10, "y": 10}')), model)
    const b = build(input({ model: moved }))
    expect(block(b.nodes, 'topic')).toBe(block(a.nodes, 'topic'))
    expect(block(b.nodes, 'end')).not.toBe(block(a.nodes, 'end'))
    expect(block(b.nodes, 'end').position).toEqual({ x: 10, y: 10 })
  })

  it('marks problems, a simulation path and its current step', () => {
    const trace = {
      steps: [
        { block: 'fb', type: 'facebook.trigger', exit: 'comment', at: '', duration_ns: 0 },
        { block: 'outage', type: 'emergency', exit: 'on', at: '', duration_ns: 0 },
        { block: 'outage-reply', type: 'reply', exit: 'sent', at: '', duration_ns: 0 },
      ],
    } as Outcome
    const diagnostics = [{ file: '', line: 1, column: 1, severity: 'warning' as const, code: 'x', path: 'blocks.hours.params.timezone', message: '' }]
    const { nodes, edges } = createGraphBuilder()(input({ trace, traceStep: 1, diagnostics }))
    expect(block(nodes, 'outage').data).toMatchObject({ steps: [2], current: true })
    expect(block(nodes, 'hours').data).toMatchObject({ problem: 'warning', problems: 1 })
    expect(edges.find((e) => e.id === 'outage:on')).toMatchObject({ animated: true, label: 'on', className: 'on-path' })
    expect(edges.find((e) => e.id === 'outage:off')?.className).toBeUndefined()
  })

  it('shows a diff: added, changed and removed blocks, and the wires that changed', () => {
    const to = modelFromData(
      parse(text.replace(/ {2}busy-reply:\n(?: {4}.*\n)+/, '').replace('next: {billing: to-billing, nomatch: to-general}', 'next: {billing: to-general, nomatch: to-general}')),
    )
    const { nodes, edges } = createGraphBuilder()(input({ model: to, readOnly: true, diff: { from: model, diff: diffFlows(model, to) } }))
    expect(block(nodes, 'was:busy-reply').data.diff).toBe('removed')
    expect(block(nodes, 'topic').data.diff).toBe('changed')
    expect(block(nodes, 'topic').draggable).toBe(false)
    expect(edges.find((e) => e.id === 'topic:billing')?.className).toBe('diff-added')
    expect(edges.find((e) => e.id === 'was:topic:billing')).toMatchObject({ target: 'to-billing', className: 'diff-removed' })
    expect(edges.find((e) => e.id === 'was:busy-reply:sent')).toMatchObject({ source: 'was:busy-reply', target: 'end' })
  })

  it('says what a block does, and where a diagnostic is', () => {
    expect(summarize(model.byId.get('to-billing')!, types.get('route.skill'))).toBe('billing')
    expect(summarize(model.byId.get('topic')!, types.get('filter.keywords'))).toBe('1 rule')
    expect(summarize(model.byId.get('fb')!, types.get('facebook.trigger'))).toBe('post, comment, message')
    expect(blockOfPath('blocks.to-billing.params.rules[0].exit')).toBe('to-billing')
    expect(blockOfPath('vars.brand')).toBeNull()
  })

  it('lays a block out the same way the stylesheet does', () => {
    expect(blockGeometry(['sent', 'failed'], { summary: true, diff: false, trigger: false })).toMatchObject({ width: 180, height: 111, header: 54 })
    expect(blockGeometry(['message'], { summary: false, diff: false, trigger: true }).handles).toEqual([
      { id: 'message', type: 'source', position: 'right', x: 180, y: 53, width: 10, height: 10 },
    ])
  })
})
