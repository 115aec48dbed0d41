// The problems the server found at a field, under it.

import type { Diagnostic } from '../../api/types'

export function Problems({ list }: { list: Diagnostic[] }) {
  if (list.length === 0) return null
  return (
    <ul className="field-problems">
      {list.map((d, i) => (
        <li key={i} className={d.severity} role={d.severity === 'error' ? 'alert' : undefined}>
          {d.message}
        </li>
      ))}
    </ul>
  )
}
