// The problems list: every diagnostic of the draft, errors first; a click selects the block it
// names and brings it into view.

import { memo } from 'react'
import { useDoc } from '../document/store'
import { blockOfPath } from '../canvas/graph'

function ProblemsPanelView({ checking, error }: { checking: boolean; error: string | null }) {
  const diagnostics = useDoc((s) => s.diagnostics)
  const stale = useDoc((s) => s.validatedText !== s.text)
  const sorted = [...diagnostics].sort((a, b) => (a.severity === b.severity ? a.line - b.line : a.severity === 'error' ? -1 : 1))
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  return (
    <section className="problems" aria-label="Problems">
      <header>
        <strong>Problems</strong>
        <span className={errors ? 'count error' : 'count'}>
          {errors} errors, {diagnostics.length - errors} warnings
        </span>
        {(checking || stale) && <span className="muted">checking…</span>}
        {error && <span className="error">could not check: {error}</span>}
      </header>
      <ul>
        {sorted.map((d, i) => {
          const block = blockOfPath(d.path)
          return (
            <li key={i} className={d.severity}>
              <button type="button" className="problem" disabled={!block} onClick={() => block && useDoc.getState().focusBlock(block)} data-path={d.path}>
                <span className="sev">{d.severity}</span>
                <span className="where">
                  {d.line}:{d.column} {d.path}
                </span>
                <span className="msg">{d.message}</span>
                <span className="code">{d.code}</span>
              </button>
            </li>
          )
        })}
        {sorted.length === 0 && !checking && <li className="muted ok">No problems.</li>}
      </ul>
    </section>
  )
}

export const ProblemsPanel = memo(ProblemsPanelView)
