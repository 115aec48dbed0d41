// The supervisor's live view: queues by skill, agents by state, and the day's figures, updated
// from the statistics stream every two seconds.

import { useEffect, useState } from 'react'
import { useIntl, type IntlShape } from 'react-intl'
import { api, errorText } from '../api/client'
import type { Channel, Stats, Targets } from '../api/types'
import { useApi } from '../api/useApi'
import { BarChart } from '../supervisor/BarChart'
import { streamStats } from '../supervisor/statsStream'
import { useT } from '../i18n/I18n'
import { agentStateLabel } from '../i18n/labels'
import { AgentBoard, type AgentStateRow } from '../supervisor/AgentBoard'
import { WaitingList } from '../supervisor/WaitingList'
import type { QueueEntry } from '../desk/types'

const stateOrder = ['available', 'busy', 'break', 'offline']

/** The targets of a channel whose figures come without its own (a server older than the
 * channels' target_* settings): their defaults. */
const defaultTargets: Targets = { service_level: 0.8, abandon: 0.05, wait_seconds: 60 }

/** A duration in seconds as people read it in their language: 45 s, 3 min 5 s, 2 h 10 min. */
export function formatSeconds(intl: IntlShape, n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  const unit = (v: number, u: 'second' | 'minute' | 'hour') => intl.formatNumber(v, { style: 'unit', unit: u, unitDisplay: 'narrow' })
  if (n < 60) return unit(Math.round(n), 'second')
  if (n < 3600) return `${unit(Math.floor(n / 60), 'minute')} ${unit(Math.round(n % 60), 'second')}`
  return `${unit(Math.floor(n / 3600), 'hour')} ${unit(Math.round((n % 3600) / 60), 'minute')}`
}

export function SupervisorPage() {
  const t = useT()
  const intl = useIntl()
  const seconds = (n: number | null | undefined) => formatSeconds(intl, n)
  const num = (n: number) => intl.formatNumber(n)
  const [stats, setStats] = useState<Stats | null>(null)
  const [live, setLive] = useState<'connecting' | 'live' | 'retrying'>('connecting')
  const [error, setError] = useState<string | null>(null)
  const channels = useApi<Channel[]>('/channels')
  const workspace = useApi<{ break_reasons: string[] }>('/workspace/settings')
  const channelTypes = Object.fromEntries((channels.data ?? []).map((c) => [c.id, c.type]))
  const [agentRows, setAgentRows] = useState<AgentStateRow[]>([])
  const [queue, setQueue] = useState<QueueEntry[]>([])
  const refresh = () => {
    api<AgentStateRow[] | { agents: AgentStateRow[] }>('/agent-states')
      .then((r) => setAgentRows(Array.isArray(r) ? r : r.agents))
      .catch((e) => setError(errorText(e)))
    api<QueueEntry[] | { entries: QueueEntry[] }>('/queue')
      .then((r) => setQueue(Array.isArray(r) ? r : r.entries))
      .catch((e) => setError(errorText(e)))
  }
  // the agents' states and the queue follow each statistics update
  useEffect(refresh, [stats?.at])

  useEffect(() => {
    const ctl = new AbortController()
    api<Stats>('/stats', { signal: ctl.signal })
      .then(setStats)
      .catch((e) => !ctl.signal.aborted && setError(errorText(e)))
    const loop = async () => {
      let wait = 1000
      while (!ctl.signal.aborted) {
        try {
          await streamStats(ctl.signal, (s) => {
            setStats(s)
            setLive('live')
            setError(null)
            wait = 1000
          })
        } catch (e) {
          if (ctl.signal.aborted) return
          setError(errorText(e))
        }
        setLive('retrying')
        await new Promise((r) => setTimeout(r, wait))
        wait = Math.min(wait * 2, 15000)
      }
    }
    void loop()
    return () => ctl.abort()
  }, [])

  const states = stats?.states ?? {}
  const waiting = stats?.skills.reduce((n, s) => n + s.waiting, 0) ?? 0
  const longest = stats?.skills.reduce((n, s) => Math.max(n, s.longest_wait_seconds), 0) ?? 0
  const offered = stats?.skills.reduce((n, s) => n + s.offered, 0) ?? 0
  const answered = stats?.skills.reduce((n, s) => n + s.answered, 0) ?? 0
  const abandoned = stats?.skills.reduce((n, s) => n + s.abandoned, 0) ?? 0
  const stateNames = [...stateOrder, ...Object.keys(states).filter((s) => !stateOrder.includes(s))]

  return (
    <div className="list-page supervisor">
      <header className="page-head">
        <h1>{t('supervisor.title')}</h1>
        <span className={`live ${live}`} data-live={live}>
          {live === 'live' ? t('supervisor.live') : live === 'connecting' ? t('supervisor.connecting') : t('supervisor.reconnecting')}
          {stats && <span className="muted"> · {intl.formatTime(new Date(stats.at), { timeStyle: 'medium' })}</span>}
        </span>
      </header>
      {error && <p className="error">{error}</p>}
      <div className="tiles">
        <div className="tile">
          <span className="n" data-testid="waiting">{num(waiting)}</span>
          {t('supervisor.waitingNow')}
        </div>
        <div className="tile">
          <span className="n">{seconds(longest)}</span>
          {t('supervisor.longestWait')}
        </div>
        <div className="tile">
          <span className="n">{num(states.available ?? 0)}</span>
          {t('supervisor.agentsAvailable')}
        </div>
        <div className="tile">
          <span className="n">
            {num(answered)}/{num(offered)}
          </span>
          {t('supervisor.answeredToday')}
        </div>
        <div className="tile">
          <span className="n">{num(abandoned)}</span>
          {t('supervisor.abandonedToday')}
        </div>
      </div>
      <div className="charts">
        <BarChart
          title={t('supervisor.queuesBySkill')}
          empty={t('supervisor.nothingYet')}
          format={num}
          series={[
            { name: t('supervisor.series.waiting'), className: 's-waiting' },
            { name: t('supervisor.series.available'), className: 's-available' },
          ]}
          rows={(stats?.skills ?? []).map((s) => ({ label: s.name, values: [s.waiting, s.agents.available ?? 0] }))}
        />
        <BarChart
          title={t('supervisor.todayBySkill')}
          empty={t('supervisor.nothingYet')}
          format={num}
          series={[
            { name: t('supervisor.series.offered'), className: 's-offered' },
            { name: t('supervisor.series.answered'), className: 's-answered' },
            { name: t('supervisor.series.abandoned'), className: 's-abandoned' },
          ]}
          rows={(stats?.skills ?? []).map((s) => ({ label: s.name, values: [s.offered, s.answered, s.abandoned] }))}
        />
        <BarChart
          title={t('supervisor.agentsByState')}
          empty={t('supervisor.nothingYet')}
          format={num}
          series={[{ name: t('supervisor.series.agents'), className: 's-agents' }]}
          rows={stateNames.filter((s) => states[s] !== undefined).map((s) => ({ label: agentStateLabel(t, s), values: [states[s]] }))}
        />
      </div>
      <h2>{t('supervisor.agents')}</h2>
      <AgentBoard
        stats={stats?.agents ?? []}
        states={agentRows}
        channelTypes={channelTypes}
        breakReasons={workspace.data?.break_reasons}
        onChanged={refresh}
      />
      <h2>{t('supervisor.waitingCustomers')}</h2>
      <WaitingList entries={queue} agents={agentRows.map((a) => ({ id: a.agent, name: a.name ?? a.agent }))} onChanged={refresh} />
      <h2>{t('supervisor.channelsLive')}</h2>
      <p className="muted">{t('supervisor.targetsExplained')}</p>
      <table className="table channel-live">
        <thead>
          <tr>
            <th>{t('supervisor.channel')}</th>
            <th>{t('supervisor.series.waiting')}</th>
            <th>{t('supervisor.longestWait')}</th>
            <th>{t('supervisor.serviceLevel')}</th>
            <th>{t('supervisor.abandonRate')}</th>
            <th>{t('supervisor.averageWait')}</th>
            <th>{t('supervisor.targetsColumn')}</th>
          </tr>
        </thead>
        <tbody>
          {stats?.channels.map((c) => {
            const targets = c.targets ?? defaultTargets
            const rate = c.offered ? c.abandoned / c.offered : null
            const pct = (n: number | null) => (n === null ? '—' : intl.formatNumber(n, { style: 'percent', maximumFractionDigits: 0 }))
            const flag = (bad: boolean | null) => (bad === null ? undefined : bad ? 'below-target' : 'on-target')
            return (
              <tr key={c.name} data-channel={c.name}>
                <td>{c.name}</td>
                <td>{num(c.waiting)}</td>
                <td className={flag(c.longest_wait_seconds > targets.wait_seconds)}>{seconds(c.longest_wait_seconds)}</td>
                <td className={flag(c.service_level === null ? null : c.service_level < targets.service_level)} data-testid="service-level">
                  {pct(c.service_level)}
                </td>
                <td className={flag(rate === null ? null : rate > targets.abandon)}>{pct(rate)}</td>
                <td className={flag(c.average_wait_seconds === null ? null : c.average_wait_seconds > targets.wait_seconds)}>{seconds(c.average_wait_seconds)}</td>
                <td className="muted" data-testid="targets">
                  {t('supervisor.targets', { sl: targets.service_level, abandon: targets.abandon, wait: seconds(targets.wait_seconds) })}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <h2>{t('supervisor.serviceByChannel')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th>{t('supervisor.channel')}</th>
            <th>{t('supervisor.conversations')}</th>
            <th>{t('supervisor.responded')}</th>
            <th>{t('supervisor.resolved')}</th>
            <th>{t('supervisor.firstResponse')}</th>
            <th>{t('supervisor.resolution')}</th>
          </tr>
        </thead>
        <tbody>
          {stats?.sla.map((c) => (
            <tr key={c.channel}>
              <td>{c.channel}</td>
              <td>{num(c.conversations)}</td>
              <td>{num(c.responded)}</td>
              <td>{num(c.resolved)}</td>
              <td>{seconds(c.average_first_response_seconds)}</td>
              <td>{seconds(c.average_resolution_seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
