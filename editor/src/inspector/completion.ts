// Completion in expression and template fields: the names expressions can read
// (interaction., contact., flow., now), the flow's variables (vars.) and the helper functions.

import type { EnvField } from '../catalogue/catalogue'

/** A completion: the text that replaces the word being typed. */
export interface Completion {
  label: string
  detail: string
  info: string
}

/** The completions at a cursor, and where the word they replace starts. */
export interface CompletionResult {
  from: number
  items: Completion[]
}

/**
 * Returns the completions for the text before the cursor. In a template, only inside a
 * {{ hole }}. env and functions come from the catalogue, vars from the flow.
 */
export function completionsAt(
  before: string,
  env: EnvField[],
  functions: EnvField[],
  vars: string[],
  template: boolean,
): CompletionResult | null {
  if (template) {
    const open = before.lastIndexOf('{{')
    if (open < 0 || before.indexOf('}}', open) >= 0) return null
  }
  const m = /[A-Za-z_][\w.]*$/.exec(before)
  const word = m ? m[0] : ''
  const from = before.length - word.length
  if (!word && !(template && /\{\{\s*$/.test(before)) && !/[\s(,[!&|=<>+\-*/?:]$/.test(before) && before !== '') return null
  const all: Completion[] = []
  for (const f of env) {
    if (f.path === 'vars') continue
    all.push({ label: f.path, detail: f.type, info: f.description })
  }
  for (const v of vars) all.push({ label: `vars.${v}`, detail: 'variable', info: 'a variable of this flow' })
  const roots = new Map<string, Completion>()
  for (const c of all) {
    const root = c.label.split('.')[0]
    if (!roots.has(root)) {
      const rootField = env.find((f) => f.path === root)
      roots.set(root, { label: root, detail: rootField?.type ?? 'object', info: rootField?.description ?? '' })
    }
  }
  const fns = functions.map((f) => {
    const example = f.examples?.[0]
    const info = `${f.path}: ${f.description}` + (example ? ` · ${example.expression} → ${example.result}` : '')
    return { label: f.path.replace(/\(.*$/, '('), detail: f.type, info }
  })
  let items: Completion[]
  if (!word.includes('.')) {
    items = [...roots.values(), ...fns].filter((c) => c.label.startsWith(word) && c.label !== word)
    // a whole root name typed: go on to its fields
    if (roots.has(word)) items = all.filter((c) => c.label.startsWith(`${word}.`))
  } else {
    items = all.filter((c) => c.label.startsWith(word) && c.label !== word)
  }
  if (items.length === 0) return null
  return { from, items: items.slice(0, 50) }
}
