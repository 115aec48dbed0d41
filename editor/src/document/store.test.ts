import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { exitsOf } from '../catalogue/catalogue'
import { modelOf, prepareDocument, primeModel } from './cache'
import { parse } from 'yaml'
import { redo, undo, useDoc } from './store'
import { exampleFlow, testCatalogue } from './testflows'
import { parseFlowText, printFlow, setParam as setParamIn } from './flowText'
import { modelFromData } from './model'

const catalogue = testCatalogue()
const info = (type: string) => catalogue.blocks.find((b) => b.type === type)!

function load(text: string) {
  const s = useDoc.getState()
  s.setTypes(catalogue.blocks)
  s.load({ id: 'f', format: 'yaml', revision: 1, text, latestVersion: 0, updatedBy: '' }, text)
}

const model = () => modelOf(useDoc.getState().text)
const exits = (id: string) => {
  const b = model().byId.get(id)!
  return exitsOf(info(b.type), b.params)
}

const small = `# a comment that must stay
switchboard: 1
id: f
name: Small
blocks:
  start:
    type: webchat.trigger
    next: {message: topic}
    ui: {x: 40, y: 200}
  topic:
    type: filter.keywords # the topics
    params:
      rules:
        - {exit: billing, any: [factura]}
    next: {billing: bye, nomatch: bye}
    ui: {x: 260, y: 200}
  bye:
    type: end
    ui: {x: 480, y: 200}
`

describe('the document store', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-11-17T10:00:00Z'))
    load(small)
  })
  afterEach(() => vi.useRealTimers())

  it('rewrites a one-line parameter in place, as printing the whole document would', () => {
    const text = `switchboard: 1
id: f
name: Conditions
blocks:
  start:
    type: webchat.trigger
    next: {message: vip}
    ui: {x: 0, y: 0}
  vip:
    type: condition
    params: {when: contact.vip} # who pays
    next: {"true": bye, "false": bye}
    ui: {x: 200, y: 0}
  bye:
    type: end
    ui: {x: 400, y: 0}
`
    load(text)
    // the edits, and what printing the document after each would give
    const edits: [string, string][] = [
      ['vip', 'contact.vip && interaction.public'],
      ['vip', 'yes'],
      ['vip', 'contact.name == "Ana"'],
    ]
    let expected = text
    for (const [id, value] of edits) {
      useDoc.getState().setParam(id, ['when'], value)
      const d = parseFlowText(expected)
      setParamIn(d, id, ['when'], value)
      expected = printFlow(d)
      expect(useDoc.getState().text).toBe(expected)
      // the model kept for the patched text is the one reading it gives
      expect(model().byId.get(id)).toEqual(modelFromData(parseFlowText(expected).toJS()).byId.get(id))
    }
    expect(useDoc.getState().text).toContain('# who pays')
    // the document still knows where everything is: a move after the edits patches the text
    useDoc.getState().moveItems({ blocks: { bye: { x: 420, y: 10 } } })
    expect(useDoc.getState().text).toContain('  bye:\n    type: end\n    ui: {x: 420, y: 10}\n')
    expect(model().byId.get('vip')!.params.when).toBe('contact.name == "Ana"')
  })

  it('shows a quick check of one block\'s parameters until the full check answers', () => {
    const d = (path: string, message: string) => ({ file: 'draft.yaml', line: 1, column: 1, severity: 'error' as const, code: 'x', path, message })
    const text = useDoc.getState().text
    useDoc.getState().setDiagnostics(text, [d('blocks.topic.params.rules', 'old'), d('blocks.bye', 'other')])
    useDoc.getState().setParam('topic', ['rules', 0, 'exit'], 'sales')
    const edited = useDoc.getState().text
    useDoc.getState().setParamDiagnostics(edited, 'topic', [d('blocks.topic.params.rules[0].any', 'new'), d('', 'the flow has no trigger')])
    expect(useDoc.getState().diagnostics.map((x) => x.message)).toEqual(['other', 'new'])
    expect(useDoc.getState().validatedText).toBe(text)
    // once the full check answered, or for a text that is gone, a quick check changes nothing
    useDoc.getState().setDiagnostics(edited, [])
    useDoc.getState().setParamDiagnostics(edited, 'topic', [d('blocks.topic.params.rules', 'late')])
    useDoc.getState().setParamDiagnostics(text, 'topic', [d('blocks.topic.params.rules', 'stale')])
    expect(useDoc.getState().diagnostics).toEqual([])
  })

  it('names new blocks with dashes only, and starts them in the time zone the flow uses', () => {
    const hours = useDoc.getState().addBlock('calendar.hours', { x: 0, y: 0 })
    expect(hours).toBe('calendar-hours')
    expect(model().byId.get(hours)!.params.timezone).toBeUndefined()
    useDoc.getState().setParam(hours, ['timezone'], 'Europe/Madrid')
    const special = useDoc.getState().addBlock('calendar.special_days', { x: 0, y: 200 })
    expect(special).toBe('calendar-special-days')
    expect(model().byId.get(special)!.params.timezone).toBe('Europe/Madrid')
  })

  it('adds a block with a fresh id at a position, and selects it', () => {
    const id = useDoc.getState().addBlock('reply', { x: 700.4, y: 99.6 })
    expect(id).toBe('reply')
    const again = useDoc.getState().addBlock('reply', { x: 0, y: 0 })
    expect(again).toBe('reply-2')
    expect(model().byId.get('reply')).toMatchObject({ type: 'reply', ui: { x: 700, y: 100 } })
    expect(useDoc.getState().selection).toEqual(['reply-2'])
    expect(useDoc.getState().text).toContain('  reply:\n    type: reply\n    ui: {x: 700, "y": 100}\n')
  })

  it('draws a flow from its content before reading its text, and edits the text as read once it is', () => {
    // the content the server sends beside the text, as JSON (its keys in canonical order)
    const text = small.replace('name: Small', 'name: Primed')
    const content = JSON.parse(JSON.stringify({ ...parse(text), name: 'Primed' }))
    primeModel(text, content)
    load(text)
    const primed = modelOf(text)
    expect(primed.name).toBe('Primed')
    expect(primed.byId.get('topic')?.next).toEqual({ billing: 'bye', nomatch: 'bye' })
    // read when the browser is idle, it gives the same model back
    prepareDocument(text)
    expect(modelOf(text)).toBe(primed)
    // an edit reads the text (its comments kept), whether it was read already or not
    useDoc.getState().setParam('topic', ['rules', 0, 'exit'], 'invoices')
    const edited = useDoc.getState().text
    expect(edited.startsWith('# a comment that must stay\n')).toBe(true)
    expect(edited).toContain('type: filter.keywords # the topics')
    expect(edited).toContain('{exit: invoices, any: [factura]}')
    const other = small.replace('name: Small', 'name: Unread')
    primeModel(other, parse(other))
    load(other)
    useDoc.getState().connect('topic', 'nomatch', 'start')
    expect(useDoc.getState().text).toContain('type: filter.keywords # the topics')
    expect(useDoc.getState().text).toContain('next: {billing: bye, nomatch: start}')
  })

  it('keeps comments and untouched text through edits', () => {
    useDoc.getState().connect('topic', 'nomatch', 'start')
    const text = useDoc.getState().text
    expect(text.startsWith('# a comment that must stay\n')).toBe(true)
    expect(text).toContain('type: filter.keywords # the topics')
    expect(text).toContain('next: {billing: bye, nomatch: start}')
    expect(text).toContain('  start:\n    type: webchat.trigger\n    next: {message: topic}\n    ui: {x: 40, y: 200}\n')
  })

  it('wires one block per exit: connecting an exit again replaces its wire', () => {
    useDoc.getState().connect('topic', 'billing', 'start')
    expect(model().byId.get('topic')!.next).toEqual({ billing: 'start', nomatch: 'bye' })
    useDoc.getState().disconnect('topic', 'billing')
    expect(model().byId.get('topic')!.next).toEqual({ nomatch: 'bye' })
  })

  it('puts next before ui when a block gets its first wire', () => {
    useDoc.getState().addBlock('reply', { x: 1, y: 2 })
    useDoc.getState().connect('reply', 'sent', 'bye')
    expect(useDoc.getState().text).toContain('  reply:\n    type: reply\n    next: {sent: bye}\n    ui: {x: 1, "y": 2}\n')
  })

  it('undoes and redoes every change', () => {
    const before = useDoc.getState().text
    useDoc.getState().addBlock('tag', { x: 0, y: 0 })
    const added = useDoc.getState().text
    useDoc.getState().moveItems({ blocks: { tag: { x: 300, y: 300 } } })
    useDoc.getState().deleteItems({ blocks: ['bye'] })
    expect(model().byId.has('bye')).toBe(false)
    expect(model().byId.get('topic')!.next).toEqual({})
    undo()
    expect(model().byId.has('bye')).toBe(true)
    expect(model().byId.get('topic')!.next).toEqual({ billing: 'bye', nomatch: 'bye' })
    undo()
    expect(useDoc.getState().text).toBe(added)
    undo()
    expect(useDoc.getState().text).toBe(before)
    redo()
    expect(useDoc.getState().text).toBe(added)
    redo()
    redo()
    expect(model().byId.has('bye')).toBe(false)
  })

  it('makes typing in one field one undo step, and a pause or another field a new one', () => {
    const before = useDoc.getState().text
    useDoc.getState().addBlock('reply', { x: 0, y: 0 })
    const added = useDoc.getState().text
    for (const t of ['H', 'Ho', 'Hol', 'Hola']) {
      vi.advanceTimersByTime(200)
      useDoc.getState().setParam('reply', ['text'], t)
    }
    expect(model().byId.get('reply')!.params.text).toBe('Hola')
    vi.advanceTimersByTime(5000)
    useDoc.getState().setParam('reply', ['text'], 'Hola!')
    undo()
    expect(model().byId.get('reply')!.params.text).toBe('Hola')
    undo()
    expect(useDoc.getState().text).toBe(added)
    undo()
    expect(useDoc.getState().text).toBe(before)
  })

  it('derives exits from parameters: a new keyword rule is a new exit', () => {
    expect(exits('topic')).toEqual(['billing', 'nomatch'])
    useDoc.getState().setParam('topic', ['rules', 1], { exit: 'cancel', any: ['cancelar'] })
    expect(exits('topic')).toEqual(['billing', 'cancel', 'nomatch'])
    expect(useDoc.getState().text).toContain('        - {exit: billing, any: [factura]}\n        - {exit: cancel, any: [cancelar]}\n')
  })

  it('keeps a wire on an exit that is renamed, and drops the wire of an exit that goes away', () => {
    useDoc.getState().setParam('topic', ['rules', 0, 'exit'], 'bill')
    expect(exits('topic')).toEqual(['bill', 'nomatch'])
    expect(model().byId.get('topic')!.next).toEqual({ bill: 'bye', nomatch: 'bye' })
    useDoc.getState().setParam('topic', ['rules', 1], { exit: 'sales', any: ['precio'] })
    useDoc.getState().connect('topic', 'sales', 'start')
    useDoc.getState().setParam('topic', ['rules', 1], undefined)
    expect(exits('topic')).toEqual(['bill', 'nomatch'])
    expect(model().byId.get('topic')!.next).toEqual({ bill: 'bye', nomatch: 'bye' })
  })

  it('derives trigger exits from their events, the default when none are written', () => {
    useDoc.getState().addBlock('facebook.trigger', { x: 0, y: 0 })
    expect(exits('facebook')).toEqual(['post', 'comment', 'message'])
    useDoc.getState().setParam('facebook', ['events'], ['comment'])
    expect(exits('facebook')).toEqual(['comment'])
  })

  it('renames a block and every wire that leads to it', () => {
    useDoc.getState().select(['bye'])
    useDoc.getState().renameBlock('bye', 'goodbye')
    expect(model().byId.has('bye')).toBe(false)
    expect(model().byId.get('topic')!.next).toEqual({ billing: 'goodbye', nomatch: 'goodbye' })
    expect(useDoc.getState().selection).toEqual(['goodbye'])
    expect(() => useDoc.getState().renameBlock('goodbye', 'topic')).toThrow(/already a block topic/)
    expect(() => useDoc.getState().renameBlock('goodbye', 'Bad Id')).toThrow(/lower case/)
  })

  it('deletes blocks with their incoming wires, notes and wires as one change', () => {
    useDoc.getState().setNotes([{ id: 'n1', text: 'hello', x: 1, y: 2, width: 100, height: 80 }])
    const before = useDoc.getState().text
    useDoc.getState().select(['topic'])
    useDoc.getState().deleteItems({ blocks: ['topic'], notes: ['n1'], wires: [{ source: 'start', exit: 'message' }] })
    expect(model().blocks.map((b) => b.id)).toEqual(['start', 'bye'])
    expect(model().byId.get('start')!.next).toEqual({})
    expect(model().notes).toEqual([])
    expect(useDoc.getState().selection).toEqual([])
    expect(useDoc.getState().text).not.toContain('notes')
    undo()
    expect(useDoc.getState().text).toBe(before)
  })

  it('keeps sticky notes in the top-level ui', () => {
    useDoc.getState().setNotes([{ id: 'n1', text: 'Billing goes\nfirst', x: 10, y: 20, width: 200, height: 100 }])
    expect(model().notes).toEqual([{ id: 'n1', text: 'Billing goes\nfirst', x: 10, y: 20, width: 200, height: 100 }])
    expect(useDoc.getState().text).toMatch(/\nui:\n {2}notes:\n {4}- id: n1\n/)
    useDoc.getState().moveItems({ notes: { n1: { x: 50, y: 60 } } })
    expect(model().notes[0]).toMatchObject({ x: 50, y: 60 })
  })

  it('pastes copied blocks with new ids, their own wires, and comments', async () => {
    const { copyBlocks, parseFlowText } = await import('./flowText')
    const clip = copyBlocks(parseFlowText(useDoc.getState().text), ['topic', 'bye'])
    expect(clip).toContain('type: filter.keywords # the topics')
    const added = useDoc.getState().paste(clip, { x: 40, y: 40 })
    expect(added).toEqual(['topic-2', 'bye-2'])
    expect(model().byId.get('topic-2')).toMatchObject({
      next: { billing: 'bye-2', nomatch: 'bye-2' },
      ui: { x: 300, y: 240 },
    })
    expect(useDoc.getState().selection).toEqual(['topic-2', 'bye-2'])
    undo()
    expect(model().byId.has('topic-2')).toBe(false)
  })

  it('drops wires to blocks that were not copied', async () => {
    const { copyBlocks, parseFlowText } = await import('./flowText')
    const clip = copyBlocks(parseFlowText(useDoc.getState().text), ['start'])
    const added = useDoc.getState().paste(clip, { x: 0, y: 100 })
    expect(model().byId.get(added[0])!.next).toEqual({})
  })

  it('takes a YAML edit as one step, kept exactly as typed', () => {
    const typed = small.replace('name: Small', 'name:   Renamed   ')
    useDoc.getState().replaceText(typed)
    expect(useDoc.getState().text).toBe(typed)
    expect(model().name).toBe('Renamed')
    undo()
    expect(model().name).toBe('Small')
  })

  it('keeps unchanged blocks as the same objects, so the canvas re-renders only what changed', () => {
    const before = model()
    useDoc.getState().moveItems({ blocks: { bye: { x: 999, y: 1 } } })
    const after = model()
    expect(after.byId.get('start')).toBe(before.byId.get('start'))
    expect(after.byId.get('bye')).not.toBe(before.byId.get('bye'))
  })

  it('edits the example flows without touching what was not edited', () => {
    const text = exampleFlow('facebook-care')
    load(text)
    useDoc.getState().setParam('hours', ['timezone'], 'Europe/Madrid')
    const out = useDoc.getState().text
    expect(out).toBe(text.replace('timezone: America/Argentina/Buenos_Aires\n      open', 'timezone: Europe/Madrid\n      open'))
  })
})

describe('moving blocks in a large flow', () => {
  it('patches the positions in place when the text was parsed, and prints it after other edits', () => {
    load(small.replace('# a comment that must stay\n', '# a comment that must stay\n# with {x: 1, y: 2} in it\n'))
    useDoc.getState().moveItems({ blocks: { topic: { x: 1000, y: -5 } } })
    expect(useDoc.getState().text).toContain('    ui: {x: 1000, y: -5}\n')
    expect(useDoc.getState().text).toContain('# with {x: 1, y: 2} in it')
    useDoc.getState().connect('start', 'message', 'bye')
    useDoc.getState().moveItems({ blocks: { bye: { x: 7, y: 8 }, start: { x: 9, y: 10 } } })
    expect(modelOf(useDoc.getState().text).byId.get('bye')!.ui).toEqual({ x: 7, y: 8 })
    expect(modelOf(useDoc.getState().text).byId.get('start')).toMatchObject({ ui: { x: 9, y: 10 }, next: { message: 'bye' } })
    undo()
    expect(modelOf(useDoc.getState().text).byId.get('bye')!.ui).toEqual({ x: 480, y: 200 })
  })
})
