// The parsed forms of the current text: its yaml Document and its model. The store's text is
// the truth; these are computed from it once and shared by every component that asks.

import { isNode } from 'yaml'
import { modelFromData, withBlockData, type FlowModel } from './model'
import { parseFlowText, type FlowDocument } from './flowText'
import { whenIdle } from './idle'

let docText: string | null = null
let docCached: FlowDocument | null = null

/** Documents whose nodes know their places in their text: parsed from it, or patched with it. */
const placed = new WeakSet<FlowDocument>()

/** Tells whether a document's nodes know their places in the text it was kept with. */
export function isPlaced(doc: FlowDocument): boolean {
  return placed.has(doc)
}

let resync: ReturnType<typeof setTimeout> | null = null
let resyncIdle: (() => void) | null = null

/** Parses the text again a moment after the last edit (when the browser is idle and no drag is
 * under way), so that the next move can patch it. */
function resyncSoon(text: string, doc: FlowDocument): void {
  if (resync) clearTimeout(resync)
  resyncIdle?.()
  resyncIdle = null
  resync = setTimeout(() => {
    resync = null
    resyncIdle = whenIdle(() => {
      resyncIdle = null
      if (docText !== text || docCached !== doc) return
      const fresh = parseFlowText(text)
      placed.add(fresh)
      docCached = fresh
    })
  }, 800)
}

const models = new Map<string, FlowModel>()
let lastModel: FlowModel | undefined

/** Returns a Document of the text that the caller may change: the cached one is handed over. */
export function takeDocument(text: string): FlowDocument {
  if (docText === text && docCached) {
    const d = docCached
    docText = null
    docCached = null
    return d
  }
  const d = parseFlowText(text)
  placed.add(d)
  return d
}

/** Keeps a document as the parsed form of a text, with the model it gives. A document printed
 * to the text, not parsed from it, does not know where its nodes are in it: inPlace says which. */
export function keepDocument(text: string, doc: FlowDocument, inPlace = false): FlowModel {
  docText = text
  docCached = doc
  if (inPlace) placed.add(doc)
  else {
    placed.delete(doc)
    resyncSoon(text, doc)
  }
  let m = models.get(text)
  if (!m) {
    let data: unknown = null
    try {
      data = doc.toJS({ maxAliasCount: 1000 })
    } catch {
      // a document that cannot be read gives the empty model; the diagnostics say why
    }
    m = modelFromData(data, lastModel)
    remember(text, m)
  }
  return m
}

/** Keeps a document patched in place (it knows where its nodes are in the new text) after an
 * edit of one block: the model is the text's before with that block read again. */
export function keepPatched(text: string, doc: FlowDocument, before: FlowModel, id: string): FlowModel {
  docText = text
  docCached = doc
  placed.add(doc)
  let m = models.get(text)
  if (!m) {
    const node = doc.getIn(['blocks', id], true)
    m = withBlockData(before, id, isNode(node) ? node.toJS(doc) : node)
    remember(text, m)
  }
  return m
}

function remember(text: string, m: FlowModel): void {
  models.set(text, m)
  lastModel = m
  // a few recent texts: the current one, and those undo and redo go back to
  while (models.size > 8) models.delete(models.keys().next().value as string)
}

/** Gives a text the model of its content read elsewhere (the server's JSON form of it), so that
 * the canvas draws it before the text is parsed: its document is read when first asked for, or
 * by prepareDocument. */
export function primeModel(text: string, data: unknown): void {
  if (models.has(text)) return
  remember(text, modelFromData(data, lastModel))
}

/** Reads the text into its editable document now, if it is not read yet, so that the first
 * edit finds it ready. */
export function prepareDocument(text: string): void {
  if (docText === text && docCached) return
  const d = parseFlowText(text)
  placed.add(d)
  keepDocument(text, d, true)
}

/** Returns the model of a text, parsing it the first time. */
export function modelOf(text: string): FlowModel {
  const m = models.get(text)
  if (m) return m
  const doc = parseFlowText(text)
  return keepDocument(text, doc, true)
}
