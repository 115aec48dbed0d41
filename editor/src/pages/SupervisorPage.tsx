// The supervisor's live view: queues by skill, agents by state, and the day's figures, updated
// from the statistics stream every two seconds.

import { useEffect, useState } from 'react'
import { api, errorText } from '../api/client'
import type { Stats } from '../api/types'
import { BarChart } from '../supervisor/BarChart'
import { streamStats } from '../supervisor/statsStream'

const stateOrder = ['available', 'busy', 'break', 'offline']

function seconds(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  if (n < 60) return `${Math.round(n)}s`
  if (n < 3600) return `${Math.floor(n / 60)}m ${Math.round(n % 60)}s`
  return `${Math.floor(n / 3600)}h ${Math.round((n % 3600) / 60)}m`
}

export function SupervisorPage() {
  const [stats, setStats] = useState<Stats | null>(null)
  const [live, setLive] = useState<'connecting' | 'live' | 'retrying'>('connecting')
  const [error, setError] = useState<string | null>(null)

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
        <h1>Supervisor</h1>
        <span className={`live ${live}`} data-live={live}>
          {live === 'live' ? '● live' : live === 'connecting' ? 'connecting…' : 'reconnecting…'}
          {stats && <span className="muted"> · {new Date(stats.at).toLocaleTimeString()}</span>}
        </span>
      </header>
      {error && <p className="error">{error}</p>}
      <div className="tiles">
        <div className="tile">
          <span className="n" data-testid="waiting">{waiting}</span>waiting now
        </div>
        <div className="tile">
          <span className="n">{seconds(longest)}</span>longest wait
        </div>
        <div className="tile">
          <span className="n">{states.available ?? 0}</span>agents available
        </div>
        <div className="tile">
          <span className="n">
            {answered}/{offered}
          </span>
          answered today
        </div>
        <div className="tile">
          <span className="n">{abandoned}</span>abandoned today
        </div>
      </div>
      <div className="charts">
        <BarChart
          title="Queues by skill"
          series={[
            { name: 'waiting', className: 's-waiting' },
            { name: 'agents available', className: 's-available' },
          ]}
          rows={(stats?.skills ?? []).map((s) => ({ label: s.name, values: [s.waiting, s.agents.available ?? 0] }))}
        />
        <BarChart
          title="Today by skill"
          series={[
            { name: 'offered', className: 's-offered' },
            { name: 'answered', className: 's-answered' },
            { name: 'abandoned', className: 's-abandoned' },
          ]}
          rows={(stats?.skills ?? []).map((s) => ({ label: s.name, values: [s.offered, s.answered, s.abandoned] }))}
        />
        <BarChart
          title="Agents by state"
          series={[{ name: 'agents', className: 's-agents' }]}
          rows={stateNames.filter((s) => states[s] !== undefined).map((s) => ({ label: s, values: [states[s]] }))}
        />
      </div>
      <h2>Agents</h2>
      <table className="table">
        <thead>
          <tr>
            <th>Agent</th>
            <th>State</th>
            <th>Active</th>
            <th>Closed today</th>
            <th>Average handling</th>
          </tr>
        </thead>
        <tbody>
          {stats?.agents.map((a) => (
            <tr key={a.agent}>
              <td>{a.name || a.agent}</td>
              <td>
                <span className={`state-pill ${a.state}`}>{a.state}</span> {a.reason && <span className="muted">{a.reason}</span>}
              </td>
              <td>{a.active}</td>
              <td>{a.completed}</td>
              <td>{seconds(a.average_handle_seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Service by channel</h2>
      <table className="table">
        <thead>
          <tr>
            <th>Channel</th>
            <th>Conversations</th>
            <th>Responded</th>
            <th>Resolved</th>
            <th>First response</th>
            <th>Resolution</th>
          </tr>
        </thead>
        <tbody>
          {stats?.sla.map((c) => (
            <tr key={c.channel}>
              <td>{c.channel}</td>
              <td>{c.conversations}</td>
              <td>{c.responded}</td>
              <td>{c.resolved}</td>
              <td>{seconds(c.average_first_response_seconds)}</td>
              <td>{seconds(c.average_resolution_seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
