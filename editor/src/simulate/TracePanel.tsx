// The steps of a simulation: each block run, the exit it took (or what it waits for), the
// variables it set and the actions it emitted. A step selects its block on the canvas.

import type { Action, Outcome } from '../api/types'
import { useDoc } from '../document/store'
import { t as translate, type MessageId } from '../i18n/intl'
import { useT } from '../i18n/I18n'

const statuses: Record<string, MessageId> = { ended: 'trace.status.ended', waiting: 'trace.status.waiting', failed: 'trace.status.failed' }

function describeAction(a: Action): string {
  const parts: string[] = [a.type]
  if (a.visibility) parts.push(a.visibility)
  if (a.text) parts.push(`“${a.text}”`)
  if (a.skill) parts.push(translate('trace.skill', { skill: a.skill }))
  if (a.agent) parts.push(translate('trace.agent', { agent: a.agent }))
  if (a.outcome) parts.push(a.outcome)
  if (a.tags?.length) parts.push(a.tags.join(', '))
  if (a.important) parts.push(translate('trace.important'))
  if (a.disposition) parts.push(translate('trace.disposition', { disposition: a.disposition }))
  if (a.url) parts.push(`${a.method ?? 'GET'} ${a.url}`)
  return parts.join(' · ')
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v)
}

export function TracePanel({ outcome }: { outcome: Outcome }) {
  const t = useT()
  const current = useDoc((s) => s.traceStep)
  return (
    <section className="trace" aria-label={t('trace.label')}>
      <header>
        <strong>{t('trace.result')}</strong>
        <span className={`status ${outcome.status}`} data-status={outcome.status}>
          {statuses[outcome.status] ? t(statuses[outcome.status]) : outcome.status}
        </span>
        {outcome.waiting && <span className="muted">{t('trace.waitsFor', { kind: outcome.waiting.kind })}</span>}
      </header>
      {outcome.error && <p className="error">{outcome.error}</p>}
      <ol className="steps">
        {outcome.steps.map((s, i) => (
          <li key={i} className={i === current ? 'current' : undefined} data-step={i + 1} data-block={s.block}>
            <button
              type="button"
              className="step"
              onClick={() => {
                useDoc.getState().setTraceStep(i)
                useDoc.getState().focusBlock(s.block)
              }}
            >
              <span className="step-n">{i + 1}</span>
              <span className="step-block">{s.flow ? `${s.flow} › ` : ''}{s.block}</span>
              <span className="step-type">{s.type}</span>
              <span className="step-exit">
                {s.exit ? `→ ${s.exit}` : s.wait ? t('trace.waitsFor', { kind: s.wait.kind }) : s.error ? t('trace.failed') : t('trace.ends')}
              </span>
            </button>
            {s.event && <div className="muted">{t('trace.resumedBy', { event: s.event })}</div>}
            {s.error && <div className="error">{s.error}</div>}
            {s.vars && s.vars.length > 0 && (
              <div className="step-vars">
                {s.vars.map((v) => (
                  <code key={v.name}>
                    {v.name} = {show(v.value)}
                  </code>
                ))}
              </div>
            )}
            {s.actions && s.actions.length > 0 && (
              <ul className="step-actions">
                {s.actions.map((a, j) => (
                  <li key={j}>{describeAction(a)}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      <details>
        <summary>{t('trace.vars')}</summary>
        <pre>{JSON.stringify(outcome.vars, null, 2)}</pre>
      </details>
    </section>
  )
}
