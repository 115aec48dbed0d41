// The block catalogue the server describes at GET /api/v1/blocks: every block type with its
// parameters and exits. The palette, the inspector's forms and the canvas's handles all come
// from it, so a custom block shows up with no change here.

/** The kinds a parameter can have. */
export type ParamKind =
  | 'string'
  | 'int'
  | 'number'
  | 'bool'
  | 'duration'
  | 'enum'
  | 'list'
  | 'object'
  | 'map'
  | 'expression'
  | 'template'

/** One parameter, list element or object field. */
export interface ParamInfo {
  name?: string
  kind: ParamKind
  description?: string
  required?: boolean
  default?: unknown
  values?: string[]
  example?: unknown
  fields?: ParamInfo[]
  elem?: ParamInfo
  key_format?: string
  format?: string
  /** For expressions: the type the value must have (bool, string, int...). */
  type?: string
  min?: number
  max?: number
  /** A list that may be written as its single element. */
  or_single?: boolean
}

/** How a block's exits derive from a list parameter. */
export interface DerivedExits {
  param: string
  field?: string
  after?: string[]
}

/** One block type. */
export interface BlockInfo {
  type: string
  title: string
  category: string
  description: string
  params: ParamInfo[]
  exits: string[]
  exits_from?: DerivedExits
  trigger?: string
  waits?: boolean
  ends?: boolean
  examples?: { title: string; yaml: string }[]
}

/** A name expressions can read, such as interaction.text, or a helper function. */
export interface EnvField {
  path: string
  type: string
  description: string
  /** For helper functions: calls and what they give, run by the server's tests (docs/functions.md). */
  examples?: { expression: string; result: string }[]
}

/** The answer of GET /api/v1/blocks. */
export interface Catalogue {
  blocks: BlockInfo[]
  environment: EnvField[]
  functions: EnvField[]
}

/** The categories in palette order; a category not listed here comes after them. */
export const categoryOrder = ['triggers', 'logic', 'contact', 'calendar', 'routing', 'actions', 'integration', 'flow']

/** Returns the catalogue's blocks grouped by category, in palette order. */
export function byCategory(blocks: BlockInfo[]): { category: string; blocks: BlockInfo[] }[] {
  const groups = new Map<string, BlockInfo[]>()
  for (const b of blocks) {
    const list = groups.get(b.category) ?? []
    list.push(b)
    groups.set(b.category, list)
  }
  const rank = (c: string) => {
    const i = categoryOrder.indexOf(c)
    return i < 0 ? categoryOrder.length : i
  }
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([category, list]) => ({ category, blocks: list }))
}

/**
 * Returns the exits of a block with these parameters: the fixed exits, or those derived from a
 * list parameter (its values, or one field of its objects, in order and without repeats, then
 * the `after` exits). It mirrors engine.Spec.ExitsOf.
 */
export function exitsOf(info: BlockInfo | undefined, params: Record<string, unknown> | undefined): string[] {
  if (!info) return []
  const d = info.exits_from
  if (!d) return info.exits
  const exits: string[] = []
  const add = (e: unknown) => {
    if (typeof e === 'string' && e !== '' && !exits.includes(e)) exits.push(e)
  }
  let list = params?.[d.param]
  if (list === undefined) list = info.params.find((p) => p.name === d.param)?.default
  if (!Array.isArray(list)) list = list === undefined || list === null ? [] : [list]
  for (const v of list as unknown[]) {
    if (typeof v === 'string') add(v)
    else if (v && typeof v === 'object' && d.field) add((v as Record<string, unknown>)[d.field])
  }
  for (const e of d.after ?? []) add(e)
  return exits
}

/** Returns a short block id for a new block of a type that no block in taken has. */
export function newBlockId(type: string, taken: (id: string) => boolean): string {
  const base =
    type
      .split('.')
      .filter((p) => p !== 'trigger')
      .join('-')
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'block'
  if (!taken(base)) return base
  for (let i = 2; ; i++) {
    const id = `${base}-${i}`
    if (!taken(id)) return id
  }
}
