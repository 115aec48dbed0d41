// Edits of a flow's YAML text that keep what the author wrote: comments, key order, quoting and
// flow or block style. Every edit parses the text into a yaml Document, changes the few nodes it
// must, and prints the document again; untouched parts print as they were written.

import {
  Document,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  YAMLMap,
  YAMLSeq,
  type Node as YNode,
  type Pair,
} from 'yaml'
import type { Note, Position } from './model'

/** How documents print: no folding of long lines, {a: 1} without inner padding (like `switchboard fmt`). */
export const printOptions = { lineWidth: 0, flowCollectionPadding: false } as const

/** The order of a block's keys, as `switchboard fmt` writes them. */
const blockKeyOrder = ['type', 'params', 'next', 'ui']
/** The order of a flow's top-level keys. */
const flowKeyOrder = ['switchboard', 'id', 'name', 'description', 'vars', 'blocks', 'ui']

export type FlowDocument = Document.Parsed | Document

/** Parses a flow's text; the document's errors say whether it is valid YAML. */
export function parseFlowText(text: string): Document.Parsed {
  return parseDocument(text, { uniqueKeys: false, keepSourceTokens: false })
}

/** Prints a document as flow text. */
export function printFlow(doc: FlowDocument): string {
  return doc.toString(printOptions)
}

/** Returns the first syntax error of a text with its line and column, or null when it parses. */
export function syntaxError(text: string): { message: string; line: number; column: number } | null {
  const doc = parseFlowText(text)
  const err = doc.errors[0]
  if (!err) {
    if (doc.contents !== null && !isMap(doc.contents)) {
      return { message: 'a flow is a mapping of keys such as switchboard, id and blocks', line: 1, column: 1 }
    }
    return null
  }
  const pos = err.linePos?.[0]
  return {
    message: err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
    line: pos?.line ?? 1,
    column: pos?.col ?? 1,
  }
}

// --- nodes and styles

const looksTyped = /^(?:y|n|yes|no|on|off|true|false|null|~|[-+]?[\d.:_]+(?:[-+:eE][\d.:_]+)*)$/i

/** Creates a node for a value, styled as people write flows: short lists and mappings of plain
 * values inline ({x: 1}, [a, b]), lists of objects and long values as blocks. */
export function styledNode(doc: FlowDocument, value: unknown): YNode {
  const node = doc.createNode(value) as YNode
  applyStyle(node)
  return node
}

function applyStyle(node: YNode): void {
  if (isScalar(node)) {
    if (typeof node.value === 'string') {
      if (node.value.includes('\n')) node.type = Scalar.BLOCK_LITERAL
      else if (looksTyped.test(node.value)) node.type = Scalar.QUOTE_DOUBLE
    }
    return
  }
  if (isSeq(node)) {
    node.items.forEach((n) => applyStyle(n as YNode))
    node.flow = node.items.every((n) => isScalar(n) && !isMultiline(n)) && printedLength(node) <= 90
    return
  }
  if (isMap(node)) {
    quoteTypedKeys(node)
    for (const p of node.items) if (p.value) applyStyle(p.value as YNode)
    node.flow =
      node.items.every((p) => {
        const v = p.value as YNode | null
        return v === null || (isScalar(v) && !isMultiline(v)) || ((isSeq(v) || isMap(v)) && v.flow === true)
      }) && printedLength(node) <= 90
  }
}

/** Quotes the keys that YAML 1.1 reads as booleans or numbers ("on":, "true":, "y":), as
 * `switchboard fmt` does, so that every YAML reader sees the same names. */
function quoteTypedKeys(map: YAMLMap): void {
  for (const p of map.items) {
    const k = p.key
    const text = isScalar(k) ? k.value : k
    if (typeof text !== 'string' || !looksTyped.test(text)) continue
    const key = isScalar(k) ? k : new Scalar(text)
    key.type = Scalar.QUOTE_DOUBLE
    p.key = key
  }
}

function isMultiline(n: Scalar): boolean {
  return typeof n.value === 'string' && n.value.includes('\n')
}

function printedLength(node: YNode): number {
  return JSON.stringify(node.toJSON()).length
}

/** Sets key in a mapping: in place when it is there, else at its place in order. */
function setOrdered(map: YAMLMap, key: string, value: YNode, order: string[]): void {
  const existing = map.items.find((p) => keyOf(p) === key)
  if (existing) {
    existing.value = value
    return
  }
  const rank = order.indexOf(key)
  const pair = new Document().createPair(key, null)
  pair.value = value
  let at = map.items.length
  if (rank >= 0) {
    const later = map.items.findIndex((p) => {
      const r = order.indexOf(keyOf(p) ?? '')
      return r > rank
    })
    if (later >= 0) at = later
  }
  map.items.splice(at, 0, pair)
}

function keyOf(p: Pair): string | undefined {
  const k = p.key
  if (isScalar(k)) return String(k.value)
  if (typeof k === 'string') return k
  return undefined
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => keyOf(p) === key) as Pair | undefined
}

function mapAt(map: YAMLMap | undefined, key: string): YAMLMap | undefined {
  const v = map ? pairOf(map, key)?.value : undefined
  return isMap(v) ? v : undefined
}

/** The top-level mapping, made when the document is empty. */
function root(doc: FlowDocument): YAMLMap {
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as YAMLMap
  return doc.contents as YAMLMap
}

function blocksMap(doc: FlowDocument, create: boolean): YAMLMap | undefined {
  const r = root(doc)
  const m = mapAt(r, 'blocks')
  // an emptied mapping prints as `blocks: {}`; blocks added to it go on lines of their own
  if (m && create && m.flow && m.items.length === 0) m.flow = false
  if (m || !create) return m
  const made = new YAMLMap()
  setOrdered(r, 'blocks', made, flowKeyOrder)
  return made
}

function blockMap(doc: FlowDocument, id: string): YAMLMap | undefined {
  return mapAt(blocksMap(doc, false), id)
}

function removeKey(map: YAMLMap, key: string): void {
  const i = map.items.findIndex((p) => keyOf(p) === key)
  if (i >= 0) map.items.splice(i, 1)
}

/** Removes a block key whose mapping became empty (params: {}, next: {}). */
function dropIfEmpty(block: YAMLMap, key: string): void {
  const m = mapAt(block, key)
  if (m && m.items.length === 0) removeKey(block, key)
}

// --- flow fields

/** Sets a top-level text field such as name or description; an empty value removes it. */
export function setFlowField(doc: FlowDocument, key: 'name' | 'description', value: string): void {
  const r = root(doc)
  if (value === '') removeKey(r, key)
  else {
    const existing = pairOf(r, key)?.value
    if (isScalar(existing)) existing.value = value
    else setOrdered(r, key, styledNode(doc, value), flowKeyOrder)
  }
}

/** Sets the flow's variables and their initial values; none removes vars. */
export function setVars(doc: FlowDocument, vars: Record<string, unknown>): void {
  const r = root(doc)
  if (Object.keys(vars).length === 0) removeKey(r, 'vars')
  else {
    const node = styledNode(doc, vars) as YAMLMap
    node.flow = false
    setOrdered(r, 'vars', node, flowKeyOrder)
  }
}

// --- blocks

/** What a new block is made of. */
export interface NewBlock {
  id: string
  type: string
  params?: Record<string, unknown>
  next?: Record<string, string>
  ui?: Position
}

function blockNode(doc: FlowDocument, b: NewBlock): YAMLMap {
  const m = new YAMLMap()
  setOrdered(m, 'type', doc.createNode(b.type) as YNode, blockKeyOrder)
  if (b.params && Object.keys(b.params).length > 0) {
    const p = styledNode(doc, b.params) as YAMLMap
    if (printedLength(p) > 60) p.flow = false
    setOrdered(m, 'params', p, blockKeyOrder)
  }
  if (b.next && Object.keys(b.next).length > 0) {
    const n = doc.createNode(b.next) as YAMLMap
    n.flow = true
    quoteTypedKeys(n)
    setOrdered(m, 'next', n, blockKeyOrder)
  }
  if (b.ui) setOrdered(m, 'ui', positionNode(doc, b.ui), blockKeyOrder)
  return m
}

function positionNode(doc: FlowDocument, p: Position): YAMLMap {
  const n = doc.createNode({ x: Math.round(p.x), y: Math.round(p.y) }) as YAMLMap
  n.flow = true
  quoteTypedKeys(n)
  return n
}

/** Adds a block at the end of blocks. */
export function addBlock(doc: FlowDocument, b: NewBlock): void {
  const blocks = blocksMap(doc, true)!
  if (pairOf(blocks, b.id)) throw new Error(`there is already a block ${b.id}`)
  const pair = doc.createPair(b.id, null)
  pair.value = blockNode(doc, b)
  blocks.items.push(pair)
}

/** Removes blocks, and every wire that leads to them. */
export function removeBlocks(doc: FlowDocument, ids: Iterable<string>): void {
  const gone = new Set(ids)
  const blocks = blocksMap(doc, false)
  if (!blocks) return
  blocks.items = blocks.items.filter((p) => !gone.has(keyOf(p) ?? ''))
  for (const p of blocks.items) {
    const block = p.value
    if (!isMap(block)) continue
    const next = mapAt(block, 'next')
    if (!next) continue
    next.items = next.items.filter((w) => !(isScalar(w.value) && gone.has(String(w.value.value))))
    dropIfEmpty(block, 'next')
  }
}

/** Moves blocks; positions are rounded to whole pixels. */
export function moveBlocks(doc: FlowDocument, positions: Record<string, Position>): void {
  for (const [id, pos] of Object.entries(positions)) {
    const block = blockMap(doc, id)
    if (!block) continue
    const ui = mapAt(block, 'ui')
    if (ui) {
      ui.set('x', Math.round(pos.x))
      ui.set('y', Math.round(pos.y))
      quoteTypedKeys(ui)
    } else setOrdered(block, 'ui', positionNode(doc, pos), blockKeyOrder)
  }
}

/**
 * Moves blocks by rewriting only the numbers of their ui positions in the text, for a document
 * parsed from that text (its nodes know where they are in it). Returns the new text, or null
 * when a block's position is not written as {x: N, y: N} and the document must be printed.
 * The document is changed too, and its nodes' places follow the new text.
 */
export function patchPositions(doc: FlowDocument, text: string, positions: Record<string, Position>): string | null {
  const patches: { start: number; end: number; text: string; node: Scalar; value: number }[] = []
  for (const [id, pos] of Object.entries(positions)) {
    const ui = mapAt(blockMap(doc, id), 'ui')
    if (!ui || !ui.flow) return null
    for (const key of ['x', 'y'] as const) {
      const node = ui.get(key, true)
      if (!isScalar(node) || typeof node.value !== 'number' || !node.range) return null
      const [start, end] = node.range
      if (text.slice(start, end) !== String(node.value)) return null
      const value = Math.round(pos[key])
      if (value !== node.value) patches.push({ start, end, text: String(value), node, value })
    }
  }
  return applyPatches(doc, text, patches)
}

/** Replaces the text of scalars, moves the places of every node after them, and gives the
 * scalars their new values: the document then describes the new text as if parsed from it. */
function applyPatches(doc: FlowDocument, text: string, patches: { start: number; end: number; text: string; node: Scalar; value: unknown; type?: Scalar.Type }[]): string {
  patches.sort((a, b) => a.start - b.start)
  let out = ''
  let at = 0
  for (const p of patches) {
    out += text.slice(at, p.start) + p.text
    at = p.end
  }
  out += text.slice(at)
  // every place after a patch moves by the patches before it: the sum of their changes of
  // length, found by a binary search (a layout patches thousands of numbers)
  const ends = patches.map((p) => p.end)
  const sums: number[] = [0]
  for (const p of patches) sums.push(sums[sums.length - 1] + p.text.length - (p.end - p.start))
  const shift = (offset: number) => {
    let lo = 0
    let hi = ends.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (ends[mid] <= offset) lo = mid + 1
      else hi = mid
    }
    return offset + sums[lo]
  }
  // one walk of the tree, each node once; a node that ends before the first patch has nothing
  // inside it that moves, and is passed over whole
  const first = patches.length ? patches[0].start : Infinity
  const walk = (n: unknown): void => {
    if (isPair(n)) {
      walk(n.key)
      walk(n.value)
      return
    }
    if (!isNode(n)) return
    const r = n.range
    if (r) {
      if (r[2] <= first) return
      n.range = [shift(r[0]), shift(r[1]), shift(r[2])]
    }
    if (isCollection(n)) for (const item of n.items) walk(item)
  }
  walk(doc.contents)
  for (const p of patches) {
    p.node.value = p.value
    if (p.type !== undefined) p.node.type = p.type
  }
  return out
}

/**
 * setParam's fast path for a large flow: a parameter that is a one-line scalar and stays one
 * is rewritten in place in the text, not by printing the whole document again. It answers
 * null when the change needs the document printed: a new key, a list, a multi-line text, or a
 * value that would be written in another style than the one it has.
 */
export function patchParam(doc: FlowDocument, text: string, id: string, path: ParamPath, value: unknown): string | null {
  if (!['string', 'number', 'boolean'].includes(typeof value) || (typeof value === 'string' && value.includes('\n'))) return null
  const params = mapAt(blockMap(doc, id), 'params')
  const node = params?.getIn(path, true)
  if (!isScalar(node) || !node.range || node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) return null
  // the value as setParam styles it, printed where it is safe in block and flow context alike
  let type = node.type
  if (typeof value === 'string' && looksTyped.test(value) && type !== Scalar.QUOTE_SINGLE) type = Scalar.QUOTE_DOUBLE
  const probe = new Scalar(value)
  probe.type = type
  const seq = new YAMLSeq()
  seq.flow = true
  seq.items.push(probe)
  const printed = new Document(seq).toString(printOptions).trim()
  if (!printed.startsWith('[') || !printed.endsWith(']')) return null
  const body = printed.slice(1, -1)
  const plain = type === undefined || type === Scalar.PLAIN
  if (plain && /^["']/.test(body)) return null
  const back = parseDocument(printed).toJS() as unknown
  if (!Array.isArray(back) || back.length !== 1 || back[0] !== value) return null
  const [start, end] = node.range
  return applyPatches(doc, text, [{ start, end, text: body, node, value, type }])
}

/** Wires a block's exit to a target block, replacing the exit's wire if it had one. */
export function connect(doc: FlowDocument, source: string, exit: string, target: string): void {
  const block = blockMap(doc, source)
  if (!block) throw new Error(`there is no block ${source}`)
  let next = mapAt(block, 'next')
  if (!next) {
    next = new YAMLMap()
    next.flow = true
    setOrdered(block, 'next', next, blockKeyOrder)
  }
  const existing = pairOf(next, exit)
  if (existing && isScalar(existing.value)) existing.value.value = target
  else {
    next.set(doc.createNode(exit), target)
    quoteTypedKeys(next)
  }
}

/** Unwires a block's exit. */
export function disconnect(doc: FlowDocument, source: string, exit: string): void {
  const block = blockMap(doc, source)
  const next = mapAt(block, 'next')
  if (!block || !next) return
  removeKey(next, exit)
  dropIfEmpty(block, 'next')
}

/** Renames an exit's wire, when the exit itself was renamed (a keyword rule's exit). */
export function renameExit(doc: FlowDocument, source: string, from: string, to: string): void {
  const next = mapAt(blockMap(doc, source), 'next')
  const pair = next ? pairOf(next, from) : undefined
  if (!pair || (next && pairOf(next, to))) return
  pair.key = doc.createNode(to)
}

/** Renames a block and every wire that leads to it. */
export function renameBlock(doc: FlowDocument, from: string, to: string): void {
  const blocks = blocksMap(doc, false)
  if (!blocks || from === to) return
  if (pairOf(blocks, to)) throw new Error(`there is already a block ${to}`)
  const pair = pairOf(blocks, from)
  if (!pair) throw new Error(`there is no block ${from}`)
  if (isScalar(pair.key)) pair.key.value = to
  else pair.key = doc.createNode(to)
  for (const p of blocks.items) {
    const next = isMap(p.value) ? mapAt(p.value, 'next') : undefined
    for (const w of next?.items ?? []) {
      if (isScalar(w.value) && w.value.value === from) w.value.value = to
    }
  }
}

/** A path inside a block's params: parameter names, object fields and list indexes. */
export type ParamPath = (string | number)[]

/**
 * Sets a value inside a block's params; undefined removes it. A scalar replaces a scalar in
 * place, so that its comments and quoting stay.
 */
export function setParam(doc: FlowDocument, id: string, path: ParamPath, value: unknown): void {
  const block = blockMap(doc, id)
  if (!block) throw new Error(`there is no block ${id}`)
  if (path.length === 0) throw new Error('setParam needs a path')
  let params = mapAt(block, 'params')
  if (value === undefined) {
    if (!params) return
    params.deleteIn(path)
    dropIfEmpty(block, 'params')
    return
  }
  if (!params) {
    params = new YAMLMap()
    setOrdered(block, 'params', params, blockKeyOrder)
  }
  const existing = params.getIn(path, true) as YNode | undefined
  const scalarValue = value === null || ['string', 'number', 'boolean'].includes(typeof value)
  if (isScalar(existing) && scalarValue) {
    existing.value = value
    if (typeof value === 'string' && value.includes('\n')) existing.type = Scalar.BLOCK_LITERAL
    else if (existing.type === Scalar.BLOCK_LITERAL || existing.type === Scalar.BLOCK_FOLDED) existing.type = undefined
    if (typeof value === 'string' && looksTyped.test(value) && existing.type !== Scalar.QUOTE_SINGLE) {
      existing.type = Scalar.QUOTE_DOUBLE
    }
    return
  }
  const parentPath = path.slice(0, -1)
  const last = path[path.length - 1]
  const parent = parentPath.length ? (params.getIn(parentPath, true) as YNode | undefined) : params
  const node = styledNode(doc, value)
  if (isSeq(parent) && typeof last === 'number') {
    if (last >= parent.items.length) parent.items.push(node)
    else parent.items[last] = node
  } else if (isMap(parent)) {
    const pair = pairOf(parent, String(last))
    if (pair) pair.value = node
    else parent.items.push(doc.createPair(String(last), node) as Pair)
  } else {
    params.setIn(path, node)
  }
}

/** Moves an item of a list inside params from one index to another. */
export function moveParamItem(doc: FlowDocument, id: string, path: ParamPath, from: number, to: number): void {
  const list = mapAt(blockMap(doc, id), 'params')?.getIn(path, true)
  if (!isSeq(list) || from === to) return
  const [item] = list.items.splice(from, 1)
  list.items.splice(to, 0, item)
}

// --- notes

/** Writes the sticky notes to ui.notes; none removes the key (and ui, when it is left empty). */
export function setNotes(doc: FlowDocument, notes: Note[]): void {
  const r = root(doc)
  let ui = mapAt(r, 'ui')
  if (notes.length === 0) {
    if (ui) {
      removeKey(ui, 'notes')
      if (ui.items.length === 0) removeKey(r, 'ui')
    }
    return
  }
  if (!ui) {
    ui = new YAMLMap()
    setOrdered(r, 'ui', ui, flowKeyOrder)
  }
  const seq = new YAMLSeq()
  for (const n of notes) {
    const item = styledNode(doc, {
      id: n.id,
      text: n.text,
      x: Math.round(n.x),
      y: Math.round(n.y),
      width: Math.round(n.width),
      height: Math.round(n.height),
    }) as YAMLMap
    seq.items.push(item)
  }
  setOrdered(ui, 'notes', seq, ['notes'])
}

// --- copy and paste

/** The first line of what the editor puts on the clipboard. */
export const clipboardHeader = '# switchboard blocks'

/**
 * Returns the blocks as YAML for the clipboard, comments included: a mapping `blocks:` with
 * each block as written in the document.
 */
export function copyBlocks(doc: FlowDocument, ids: string[]): string {
  const blocks = blocksMap(doc, false)
  const out = new Document({})
  const map = new YAMLMap()
  const want = new Set(ids)
  for (const p of blocks?.items ?? []) {
    if (want.has(keyOf(p) ?? '')) map.items.push((p as Pair).clone() as Pair)
  }
  ;(out.contents as YAMLMap).set('blocks', map)
  return `${clipboardHeader}\n${out.toString(printOptions)}`
}

/**
 * Pastes blocks from clipboard text (what copyBlocks wrote, or a flow file): ids that are taken
 * get a new one, wires between pasted blocks follow, wires to blocks outside them are dropped,
 * and positions move by offset. Returns the ids of the new blocks; none when the text holds no
 * blocks.
 */
export function pasteBlocks(doc: FlowDocument, text: string, offset: Position): string[] {
  const src = parseFlowText(text)
  if (src.errors.length > 0 || !isMap(src.contents)) return []
  const from = mapAt(src.contents, 'blocks')
  if (!from) return []
  const blocks = blocksMap(doc, true)!
  const taken = new Set(blocks.items.map((p) => keyOf(p) ?? ''))
  const rename = new Map<string, string>()
  for (const p of from.items) {
    const id = keyOf(p)
    if (!id || !isMap(p.value)) continue
    let nid = id
    for (let i = 2; taken.has(nid); i++) nid = `${id.replace(/-\d+$/, '')}-${i}`
    taken.add(nid)
    rename.set(id, nid)
  }
  const added: string[] = []
  for (const p of from.items) {
    const id = keyOf(p)
    if (!id || !rename.has(id) || !isMap(p.value)) continue
    const block = p.value as YAMLMap
    const next = mapAt(block, 'next')
    if (next) {
      next.items = next.items.filter((w) => isScalar(w.value) && rename.has(String(w.value.value)))
      for (const w of next.items) (w.value as Scalar).value = rename.get(String((w.value as Scalar).value))
      dropIfEmpty(block, 'next')
    }
    const ui = mapAt(block, 'ui')
    const x = Number(ui?.get('x') ?? 0)
    const y = Number(ui?.get('y') ?? 0)
    setOrdered(block, 'ui', positionNode(doc, { x: (Number.isFinite(x) ? x : 0) + offset.x, y: (Number.isFinite(y) ? y : 0) + offset.y }), blockKeyOrder)
    const nid = rename.get(id)!
    const pair = doc.createPair(nid, null)
    pair.value = block
    if (isPair(p) && p.key && isScalar(p.key) && p.key.commentBefore) {
      ;(pair.key as Scalar).commentBefore = p.key.commentBefore
    }
    blocks.items.push(pair as Pair)
    added.push(nid)
  }
  return added
}

/** Writes flow data (a JSON flow) as YAML the way people write flows: the document, its blocks
 * and each block as blocks, their short values inline. */
export function yamlFromData(data: unknown): string {
  const doc = new Document()
  const node = styledNode(doc, data)
  if (isMap(node)) {
    node.flow = false
    const blocks = mapAt(node, 'blocks')
    if (blocks) {
      blocks.flow = false
      for (const p of blocks.items) if (isMap(p.value)) p.value.flow = false
    }
    for (const key of ['vars', 'ui']) {
      const m = mapAt(node, key)
      if (m) m.flow = false
    }
  }
  doc.contents = node
  return printFlow(doc)
}
