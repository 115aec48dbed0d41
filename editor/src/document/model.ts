// The flow document as plain data, read from its YAML: what the canvas, the inspector and the
// diff look at. The YAML text stays the truth (it keeps comments); this is derived from it.

/** A point on the canvas. */
export interface Position {
  x: number
  y: number
}

/** One block of a flow. */
export interface Block {
  id: string
  type: string
  params: Record<string, unknown>
  /** Exit name → the id of the block it leads to. */
  next: Record<string, string>
  /** The block's place on the canvas; absent when the document has none. */
  ui?: Position
  /** A fingerprint of the block's content, to tell unchanged blocks apart cheaply. */
  key: string
}

/** A sticky note on the canvas, kept in the document's top-level ui.notes. */
export interface Note {
  id: string
  text: string
  x: number
  y: number
  width: number
  height: number
}

/** A flow document. */
export interface FlowModel {
  id: string
  name: string
  description: string
  vars: Record<string, unknown>
  blocks: Block[]
  byId: Map<string, Block>
  notes: Note[]
}

/** The empty flow, for a document that cannot be read. */
export const emptyModel: FlowModel = {
  id: '',
  name: '',
  description: '',
  vars: {},
  blocks: [],
  byId: new Map(),
  notes: [],
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

/** Reads a position {x, y}, or undefined. */
export function readPosition(v: unknown): Position | undefined {
  if (!isRecord(v)) return undefined
  const x = num(v.x)
  const y = num(v.y)
  return x === undefined || y === undefined ? undefined : { x, y }
}

/**
 * Builds the model from the document's data (YAML parsed to plain values). Blocks whose content
 * did not change keep their object from prev, so that the canvas re-renders only what changed.
 * It never throws: what cannot be read is left out, and the server's diagnostics say why.
 */
export function modelFromData(data: unknown, prev?: FlowModel): FlowModel {
  if (!isRecord(data)) return emptyModel
  const blocks: Block[] = []
  const byId = new Map<string, Block>()
  if (isRecord(data.blocks)) {
    for (const [id, raw] of Object.entries(data.blocks)) {
      const b = isRecord(raw) ? raw : {}
      const key = JSON.stringify(raw ?? null)
      const old = prev?.byId.get(id)
      if (old && old.key === key) {
        blocks.push(old)
        byId.set(id, old)
        continue
      }
      const next: Record<string, string> = {}
      if (isRecord(b.next)) {
        for (const [exit, target] of Object.entries(b.next)) {
          if (typeof target === 'string') next[exit] = target
        }
      }
      const block: Block = {
        id,
        type: typeof b.type === 'string' ? b.type : '',
        params: isRecord(b.params) ? b.params : {},
        next,
        ui: readPosition(isRecord(b.ui) ? b.ui : undefined),
        key,
      }
      blocks.push(block)
      byId.set(id, block)
    }
  }
  const notes: Note[] = []
  const ui = isRecord(data.ui) ? data.ui : {}
  if (Array.isArray(ui.notes)) {
    ui.notes.forEach((n, i) => {
      if (!isRecord(n)) return
      notes.push({
        id: typeof n.id === 'string' ? n.id : `note-${i + 1}`,
        text: typeof n.text === 'string' ? n.text : '',
        x: num(n.x) ?? 0,
        y: num(n.y) ?? 0,
        width: num(n.width) ?? 200,
        height: num(n.height) ?? 120,
      })
    })
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v))
  return {
    id: str(data.id),
    name: str(data.name),
    description: str(data.description),
    vars: isRecord(data.vars) ? data.vars : {},
    blocks,
    byId,
    notes,
  }
}

/** The place of a block on the canvas: its own, or a grid slot by its order. */
export function positionOf(block: Block, index: number): Position {
  return block.ui ?? { x: 40 + (index % 6) * 280, y: 40 + Math.floor(index / 6) * 220 }
}

/** The variables each block sets, by block object: an edit reads again only the block it changed. */
const varsOfBlock = new WeakMap<Block, string[]>()
let lastVariables: string[] = []

/** The variables a flow declares or its blocks set (save_as, save_keyword, set's vars...); the
 * same array as the last time when they did not change, so that what depends on them is not
 * worked out again after each edit. */
export function flowVariables(model: FlowModel): string[] {
  const names = new Set(Object.keys(model.vars))
  for (const b of model.blocks) {
    let own = varsOfBlock.get(b)
    if (!own) {
      own = []
      for (const [k, v] of Object.entries(b.params)) {
        if (k.startsWith('save') && typeof v === 'string' && /^[A-Za-z_]\w*$/.test(v)) own.push(v)
      }
      if (b.type === 'set' && isRecord(b.params.vars)) own.push(...Object.keys(b.params.vars))
      varsOfBlock.set(b, own)
    }
    for (const n of own) names.add(n)
  }
  const out = [...names].sort()
  if (out.length === lastVariables.length && out.every((n, i) => n === lastVariables[i])) return lastVariables
  lastVariables = out
  return out
}

/** The time zones the flow's blocks name (opening hours, special days...), in order. */
export function flowZones(model: FlowModel): string[] {
  const zones: string[] = []
  for (const b of model.blocks) {
    const z = b.params.timezone
    if (typeof z === 'string' && z !== '' && !zones.includes(z)) zones.push(z)
  }
  return zones
}

/** The model with one block read again from its data, the others kept: what an edit of that
 * block alone gives, without reading the whole document. */
export function withBlockData(model: FlowModel, id: string, raw: unknown): FlowModel {
  const one = modelFromData({ blocks: { [id]: raw } }).byId.get(id)
  if (!one || !model.byId.has(id)) return model
  const byId = new Map(model.byId)
  byId.set(id, one)
  return { ...model, blocks: model.blocks.map((b) => (b.id === id ? one : b)), byId }
}
