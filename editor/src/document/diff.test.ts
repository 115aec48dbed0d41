import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { describeDiff, diffFlows, formatValue, isEmptyDiff, paramChanges } from './diff'
import { modelFromData } from './model'
import { exampleFlow } from './testflows'

const model = (text: string) => modelFromData(parse(text))

describe('diffFlows', () => {
  const base = exampleFlow('facebook-care')

  it('finds nothing between a flow and itself, or when only positions and key order moved', () => {
    expect(isEmptyDiff(diffFlows(model(base), model(base)))).toBe(true)
    const moved = base
      .replace('ui: {x: 700, y: 200}', 'ui: {x: 10, y: 10}')
      .replace('params: {skill: billing, priority: "contact.vip ? 10 : 1", timeout: 15m}', 'params: {timeout: 15m, skill: billing, priority: "contact.vip ? 10 : 1"}')
    const d = diffFlows(model(base), model(moved))
    expect(isEmptyDiff(d)).toBe(true)
    expect(d.wiresAdded).toEqual([])
  })

  it('reports added and removed blocks with their wires', () => {
    const to = base.replace(
      '  end:\n    type: end\n',
      '  end:\n    type: end\n  tagger:\n    type: tag\n    next: {next: end}\n',
    ).replace(/ {2}busy-reply:\n(?: {4}.*\n)+/, '')
    const d = diffFlows(model(base), model(to))
    expect(d.added).toEqual(['tagger'])
    expect(d.removed).toEqual(['busy-reply'])
    expect(d.wiresAdded).toContain('tagger:next')
    expect(d.wiresRemoved).toEqual(expect.arrayContaining(['busy-reply:sent', 'busy-reply:failed']))
  })

  it('reports changed parameters, types and wires', () => {
    const to = base
      .replace('params: {skill: general, timeout: 30m}', 'params: {skill: general, timeout: 45m}')
      .replace('next: {billing: to-billing, nomatch: to-general}', 'next: {billing: to-general}')
      .replace('  end:\n    type: end', '  end:\n    type: close')
      .replace('name: Facebook customer care', 'name: Facebook care')
    const d = diffFlows(model(base), model(to))
    expect(d.meta).toEqual(['name'])
    expect(d.changed).toEqual([
      { id: 'topic', params: [], wires: [{ exit: 'billing', from: 'to-billing', to: 'to-general' }, { exit: 'nomatch', from: 'to-general', to: '' }] },
      { id: 'to-general', params: ['timeout'], wires: [] },
      { id: 'end', type: ['end', 'close'], params: [], wires: [] },
    ])
    expect(d.wiresAdded).toEqual(['topic:billing'])
    expect(d.wiresRemoved).toEqual(['topic:billing', 'topic:nomatch'])
    expect(describeDiff(d)).toEqual([
      'changed name',
      'changed topic (billing: to-billing → to-general; nomatch: to-general → (unwired))',
      'changed to-general (params timeout)',
      'changed end (type end → close)',
    ])
  })

  it('counts a change of vars as meta', () => {
    const d = diffFlows(model(base), model(base.replace('brand: Acme', 'brand: Acme Corp')))
    expect(d.meta).toEqual(['vars'])
  })
})

describe('the values of changed parameters', () => {
  it('gives the old and new value of each changed parameter, absent ones undefined', () => {
    const a = modelFromData(parse('blocks:\n  r:\n    type: reply\n    params: {text: [hola], delay: 2}\n'))
    const b = modelFromData(parse('blocks:\n  r:\n    type: reply\n    params: {text: [hola, buenas], quick: {a: 1}}\n'))
    const d = diffFlows(a, b)
    expect(paramChanges(a, b, d.changed[0])).toEqual([
      { name: 'delay', from: 2, to: undefined },
      { name: 'quick', from: undefined, to: { a: 1 } },
      { name: 'text', from: ['hola'], to: ['hola', 'buenas'] },
    ])
    expect(formatValue(['hola', 'buenas'])).toBe('[hola, buenas]')
    expect(formatValue({ a: 1 })).toBe('{a: 1}')
    expect(formatValue('Hola, ¿qué tal?')).toBe('Hola, ¿qué tal?')
    expect(formatValue(2)).toBe('2')
  })
})
