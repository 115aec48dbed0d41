// Where a diagnostic belongs in the inspector. Most name their place by path; a missing
// parameter is reported on the mapping that lacks it, so its own path is read from the message.

import type { Diagnostic } from '../api/types'

const missing = /^the required parameter (\S+) is missing/
const unwired = /^exit (\S+) of block /

/** The path of the field a diagnostic is about: blocks.reply.params.text for a missing text. */
export function fieldPath(d: Diagnostic): string {
  const u = d.code === 'unwired-exit' && d.path.endsWith('.next') ? unwired.exec(d.message) : null
  if (u) return `${d.path}.${u[1]}`
  const m = d.code === 'missing-field' ? missing.exec(d.message) : null
  if (!m) return d.path
  const base = /^blocks\.[^.[\]]+$/.test(d.path) ? `${d.path}.params` : d.path
  return `${base}.${m[1]}`
}
