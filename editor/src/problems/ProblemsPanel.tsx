// The problems list: every diagnostic of the draft, errors first; a click selects the block it
// names and brings it into view.

import { memo } from 'react'
import { useDoc } from '../document/store'
import { blockOfPath } from '../canvas/graph'
import { useT } from '../i18n/I18n'
import { severityLabel } from '../i18n/labels'

function ProblemsPanelView({ checking, error }: { checking: boolean; error: string | null }) {
  const t = useT()
  const diagnostics = useDoc((s) => s.diagnostics)
  const stale = useDoc((s) => s.validatedText !== s.text)
  const sorted = [...diagnostics].sort((a, b) => (a.severity === b.severity ? a.line - b.line : a.severity === 'error' ? -1 : 1))
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  return (
    <section className="problems" aria-label={t('problems.title')}>
      <header>
        <strong>{t('problems.title')}</strong>
        <span className={errors ? 'count error' : 'count'}>{t('toolbar.counts', { errors, warnings: diagnostics.length - errors })}</span>
        {(checking || stale) && <span className="muted">{t('problems.checking')}</span>}
        {error && <span className="error">{t('problems.checkFailed', { error })}</span>}
      </header>
      <ul>
        {sorted.map((d, i) => {
          const block = blockOfPath(d.path)
          return (
            <li key={i} className={d.severity}>
              <button type="button" className="problem" disabled={!block} onClick={() => block && useDoc.getState().focusBlock(block)} data-path={d.path}>
                <span className="sev" data-severity={d.severity}>
                  {severityLabel(t, d.severity)}
                </span>
                <span className="where">
                  {d.line}:{d.column} {d.path}
                </span>
                <span className="msg">{d.message}</span>
                <span className="code">{d.code}</span>
              </button>
            </li>
          )
        })}
        {sorted.length === 0 && !checking && <li className="muted ok">{t('problems.none')}</li>}
      </ul>
    </section>
  )
}

export const ProblemsPanel = memo(ProblemsPanelView)
