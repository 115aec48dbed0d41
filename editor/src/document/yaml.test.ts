import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Document, parse, visit } from 'yaml'
import { modelFromData } from './model'
import { addBlock, parseFlowText, printFlow, removeBlocks, setParam, styledNode, syntaxError } from './flowText'
import { exampleFlow } from './testflows'

const dir = new URL('../../../examples/flows/', import.meta.url)

describe('the YAML round trip', () => {
  it('prints every example flow exactly as it was written', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'))
    expect(files.length).toBeGreaterThan(5)
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), 'utf8')
      expect(printFlow(parseFlowText(text)), f).toBe(text)
    }
  })

  it('reads the model of a flow: blocks in order, wires, positions, vars', () => {
    const m = modelFromData(parse(exampleFlow('facebook-care')))
    expect(m).toMatchObject({ id: 'facebook-care', name: 'Facebook customer care', vars: { brand: 'Acme' } })
    expect(m.blocks.map((b) => b.id)).toEqual([
      'fb', 'outage', 'outage-reply', 'holidays', 'hours', 'topic', 'to-billing', 'to-general', 'busy-reply', 'closed-reply', 'end',
    ])
    expect(m.byId.get('hours')).toMatchObject({
      type: 'calendar.hours',
      params: { open: { 'mon-fri': ['09:00-13:00', '14:00-18:00'], sat: ['10:00-13:00'] } },
      next: { open: 'topic', closed: 'closed-reply' },
      ui: { x: 700, y: 200 },
    })
  })

  it('reads what it can of a broken document and never throws', () => {
    expect(modelFromData(parse('blocks: [1, 2]')).blocks).toEqual([])
    const m = modelFromData(parse('blocks:\n  a: 3\n  b:\n    type: end\n    next: {x: 1}\n    ui: {x: a}\n'))
    expect(m.blocks.map((b) => [b.id, b.type, b.next, b.ui])).toEqual([
      ['a', '', {}, undefined],
      ['b', 'end', {}, undefined],
    ])
    expect(modelFromData('text').blocks).toEqual([])
  })

  it('writes values as people write flows', () => {
    const doc = new Document({})
    const show = (v: unknown) => String(new Document(styledNode(doc, v))).trimEnd()
    expect(show(['09:00-13:00', '14:00-18:00'])).toBe('[ "09:00-13:00", "14:00-18:00" ]')
    expect(show({ exit: 'billing', any: ['factura', 'invoice'] })).toBe('{ exit: billing, any: [ factura, invoice ] }')
    expect(show([{ exit: 'a' }, { exit: 'b' }])).toBe('- { exit: a }\n- { exit: b }')
    expect(show('on')).toBe('"on"')
    expect(show('line one\nline two')).toBe('|-\nline one\nline two')
  })

  it('quotes values a YAML 1.1 reader would take for a boolean or a time', () => {
    const doc = parseFlowText('blocks:\n  a:\n    type: emergency\n    params: {switch: outage}\n')
    setParam(doc, 'a', ['switch'], 'off')
    expect(printFlow(doc)).toContain('params: {switch: "off"}')
  })

  it('writes blocks added to an emptied blocks mapping one per line again', () => {
    let doc = parseFlowText('id: f\nblocks:\n  a:\n    type: end\n')
    removeBlocks(doc, ['a'])
    const emptied = printFlow(doc)
    expect(emptied).toBe('id: f\nblocks: {}\n')
    doc = parseFlowText(emptied)
    addBlock(doc, { id: 'b', type: 'reply', params: { text: ['hi'] }, ui: { x: 1, y: 2 } })
    addBlock(doc, { id: 'c', type: 'end' })
    expect(printFlow(doc)).toBe('id: f\nblocks:\n  b:\n    type: reply\n    params: {text: [hi]}\n    ui: {x: 1, "y": 2}\n  c:\n    type: end\n')
  })

  it('finds syntax errors with their line and column', () => {
    expect(syntaxError('a: [1, 2')).toMatchObject({ line: 1 })
    expect(syntaxError('a: 1\nb: c: d\n')).toEqual({ message: 'Nested mappings are not allowed in compact mappings', line: 2, column: 4 })
    expect(syntaxError('- a\n- b\n')?.message).toMatch(/mapping/)
    expect(syntaxError('switchboard: 1\n')).toBeNull()
  })
})

describe('JSON flows', () => {
  it('are written as YAML in the shape of the examples', async () => {
    const { yamlFromData } = await import('./flowText')
    const data = parse(exampleFlow('auto-close')) as unknown
    const text = yamlFromData(JSON.parse(JSON.stringify(data)))
    expect(parse(text)).toEqual(data)
    expect(text).toContain('  chat:\n    type: webchat.trigger\n    next: {message: ask}\n    ui: {x: 40, "y": 200}\n')
  })
})

/** The places of every node of a document, in the order of its tree. */
function ranges(doc: ReturnType<typeof parseFlowText>): string[] {
  const out: string[] = []
  visit(doc, {
    Node(_, n) {
      out.push(`${n.range?.join(',')}`)
    },
    Pair(_, p) {
      out.push(`key ${(p.key as { range?: number[] } | null)?.range?.join(',')}`)
    },
  })
  return out
}

describe('moving blocks by patching their positions', () => {
  it('writes exactly what printing the whole document writes, move after move', async () => {
    const { moveBlocks, patchPositions } = await import('./flowText')
    let seed = 7
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    for (const name of ['facebook-care', 'auto-close', 'messenger-instagram-care']) {
      let text = exampleFlow(name)
      const fast = parseFlowText(text)
      const ids = Object.keys((parse(text) as { blocks: object }).blocks)
      for (let i = 0; i < 25; i++) {
        const moves: Record<string, { x: number; y: number }> = {}
        for (let j = 0; j <= rand(3); j++) moves[ids[rand(ids.length)]] = { x: rand(40000) - 1000 + 0.4, y: rand(900) }
        const slow = parseFlowText(text)
        moveBlocks(slow, moves)
        const patched = patchPositions(fast, text, moves)
        expect(patched, `${name} move ${i}`).toBe(printFlow(slow))
        text = patched!
        expect(printFlow(fast)).toBe(text)
        // every node knows its place in the new text, as if parsed from it
        expect(ranges(fast), `${name} move ${i}`).toEqual(ranges(parseFlowText(text)))
      }
    }
  })

  it('gives up on positions not written as {x: N, y: N}', async () => {
    const { patchPositions } = await import('./flowText')
    const text = 'blocks:\n  a:\n    type: end\n    ui:\n      x: 1\n      y: 2\n  b:\n    type: end\n'
    expect(patchPositions(parseFlowText(text), text, { a: { x: 5, y: 5 } })).toBeNull()
    expect(patchPositions(parseFlowText(text), text, { b: { x: 5, y: 5 } })).toBeNull()
  })
})
