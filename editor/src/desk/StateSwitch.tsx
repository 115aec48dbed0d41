// The agent's state: available, a break with a reason, or offline; with capacity and load, and
// why the agent is on a break when the server paused it after a missed offer.

import { useState } from 'react'
import { errorText } from '../api/client'
import { useT } from '../i18n/I18n'
import { agentStateLabel } from '../i18n/labels'
import { setState } from './deskApi'
import { defaultBreakReasons, reasonLabel, splitStateValue } from './labels'
import type { Desk } from './types'

export function StateSwitch({ desk, load, onChanged }: { desk: Desk; load: number; onChanged: () => void }) {
  const t = useT()
  const [error, setError] = useState<string | null>(null)
  const st = desk.state
  const breakReasons = desk.break_reasons?.length ? desk.break_reasons : defaultBreakReasons
  const value = st.state === 'break' ? `break:${breakReasons.includes(st.reason) ? st.reason : ''}` : st.state
  const change = async (v: string) => {
    const { state, reason } = splitStateValue(v)
    setError(null)
    try {
      await setState(state, reason)
      onChanged()
    } catch (e) {
      setError(errorText(e))
    }
  }
  return (
    <section className="state-switch" aria-label={t('desk.state')}>
      <label>
        <span className={`state-dot ${st.state}`} aria-hidden="true" />
        {t('desk.state')}
        <select value={value} onChange={(e) => void change(e.target.value)} data-testid="agent-state">
          <option value="available">{agentStateLabel(t, 'available')}</option>
          {breakReasons.map((r) => (
            <option key={r} value={`break:${r}`}>
              {t('desk.breakWith', { reason: reasonLabel(t, r) })}
            </option>
          ))}
          {st.state === 'break' && !breakReasons.includes(st.reason) && <option value="break:">{t('desk.breakWith', { reason: reasonLabel(t, st.reason) })}</option>}
          {st.state === 'busy' && <option value="busy">{agentStateLabel(t, 'busy')}</option>}
          <option value="offline">{agentStateLabel(t, 'offline')}</option>
        </select>
      </label>
      <span className="load" data-testid="load">
        {t('desk.load', { load, capacity: desk.agent.capacity })}
      </span>
      {st.state === 'break' && st.reason === 'missed offer' && (
        <p className="notice" role="status" data-testid="paused">
          {t('desk.pausedExplained')}
        </p>
      )}
      {st.state === 'offline' && <p className="muted">{t('desk.offlineExplained')}</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  )
}
