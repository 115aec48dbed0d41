// The supervisor's agents: state with its icon and reason, the channels of the conversations
// they hold, load, completed today, time in the state; and a menu to change the state.

import { useState } from 'react'
import { useIntl } from 'react-intl'
import { api, errorText } from '../api/client'
import type { AgentStats } from '../api/types'
import { ChannelIcon } from '../desk/ChannelIcon'
import { defaultBreakReasons, reasonLabel, splitStateValue } from '../desk/labels'
import { useNow } from '../desk/useDesk'
import { useT } from '../i18n/I18n'
import { agentStateLabel } from '../i18n/labels'
import { formatSeconds } from '../pages/SupervisorPage'

/** An agent's state as GET /agent-states gives it. */
export interface AgentStateRow {
  agent: string
  state: string
  reason: string
  since: string
  name?: string
  load?: number
  capacity?: number
  /** The channels of the conversations the agent holds. */
  channels?: string[]
  completed_today?: number
}

const icons: Record<string, string> = { available: '●', busy: '◐', break: '❚❚', offline: '○' }

export function AgentBoard({ stats, states, channelTypes, breakReasons = defaultBreakReasons, onChanged }: {
  stats: AgentStats[]
  states: AgentStateRow[]
  /** The reasons a break may have (the workspace's settings). */
  breakReasons?: readonly string[]
  /** Each channel's type, for its icon. */
  channelTypes: Record<string, string>
  onChanged: () => void
}) {
  const t = useT()
  const intl = useIntl()
  const now = useNow()
  const [error, setError] = useState<string | null>(null)
  const byId = new Map(states.map((s) => [s.agent, s]))
  const ids = [...new Set([...stats.map((a) => a.agent), ...states.map((s) => s.agent)])]
  const change = async (agent: string, v: string) => {
    const { state, reason } = splitStateValue(v)
    setError(null)
    try {
      await api(`/agents/${encodeURIComponent(agent)}/state`, { method: 'PUT', body: { state, reason } })
      onChanged()
    } catch (e) {
      setError(errorText(e))
    }
  }
  return (
    <>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="table agent-board">
        <thead>
          <tr>
            <th>{t('supervisor.agent')}</th>
            <th>{t('supervisor.state')}</th>
            <th>{t('supervisor.inState')}</th>
            <th>{t('supervisor.channels')}</th>
            <th>{t('supervisor.active')}</th>
            <th>{t('supervisor.closedToday')}</th>
            <th>{t('supervisor.averageHandling')}</th>
            <th>{t('supervisor.setState')}</th>
          </tr>
        </thead>
        <tbody>
          {ids.map((id) => {
            const a = stats.find((x) => x.agent === id)
            const s = byId.get(id)
            const state = s?.state ?? a?.state ?? 'offline'
            const reason = s?.reason ?? a?.reason ?? ''
            // an agent never logged in has no time of its state (the zero time)
            const at = s?.since ? Date.parse(s.since) : NaN
            const since = at > 0 ? (now - at) / 1000 : null
            const name = s?.name || a?.name || id
            return (
              <tr key={id} data-agent={id} data-state={state}>
                <td>{name}</td>
                <td>
                  <span className={`state-pill ${state}`} data-state={state}>
                    <span aria-hidden="true">{icons[state] ?? '•'}</span> {agentStateLabel(t, state)}
                  </span>{' '}
                  {reason && <span className="muted">{reasonLabel(t, reason)}</span>}
                </td>
                <td>{since === null ? '—' : formatSeconds(intl, Math.max(0, since))}</td>
                <td>
                  {(s?.channels ?? []).map((ch) => (
                    <span key={ch} className="held-channel">
                      <ChannelIcon type={channelTypes[ch] ?? ''} /> {ch}
                    </span>
                  ))}
                </td>
                <td>
                  {intl.formatNumber(s?.load ?? a?.active ?? 0)}
                  {s?.capacity ? `/${intl.formatNumber(s.capacity)}` : ''}
                </td>
                <td>{intl.formatNumber(s?.completed_today ?? a?.completed ?? 0)}</td>
                <td>{formatSeconds(intl, a?.average_handle_seconds)}</td>
                <td>
                  <select aria-label={t('supervisor.setStateOf', { name })} value="" onChange={(e) => void change(id, e.target.value)}>
                    <option value="" disabled>
                      {t('supervisor.choose')}
                    </option>
                    <option value="available">{agentStateLabel(t, 'available')}</option>
                    {breakReasons.map((r) => (
                      <option key={r} value={`break:${r}`}>
                        {t('desk.breakWith', { reason: reasonLabel(t, r) })}
                      </option>
                    ))}
                    <option value="offline">{agentStateLabel(t, 'offline')}</option>
                  </select>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </>
  )
}
