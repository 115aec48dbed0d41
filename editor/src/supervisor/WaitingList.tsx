// Customers waiting for an agent, longest first, with the time they have waited; a supervisor
// hands one to an agent or another skill.

import { useState } from 'react'
import { useIntl } from 'react-intl'
import { api, errorText } from '../api/client'
import { ChannelIcon } from '../desk/ChannelIcon'
import type { QueueEntry } from '../desk/types'
import { useNow } from '../desk/useDesk'
import { useT } from '../i18n/I18n'
import { formatSeconds } from '../pages/SupervisorPage'

export function WaitingList({ entries, agents, onChanged }: {
  entries: (QueueEntry & { customer?: { id: string; name: string } })[]
  agents: { id: string; name: string }[]
  onChanged: () => void
}) {
  const t = useT()
  const intl = useIntl()
  const now = useNow()
  const [error, setError] = useState<string | null>(null)
  const waiting = entries.filter((e) => e.status === 'queued' || e.status === 'offered').sort((a, b) => Date.parse(a.enqueued_at) - Date.parse(b.enqueued_at))
  const reassign = async (e: QueueEntry, agent: string) => {
    setError(null)
    try {
      await api(`/conversations/${encodeURIComponent(e.conversation_id)}/reassign`, { method: 'POST', body: { agent } })
      onChanged()
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <>
      {error && <p className="error" role="alert">{error}</p>}
      {waiting.length === 0 ? (
        <p className="muted">{t('supervisor.nobodyWaiting')}</p>
      ) : (
        <table className="table waiting-list">
          <thead>
            <tr>
              <th>{t('supervisor.customer')}</th>
              <th>{t('supervisor.channel')}</th>
              <th>{t('supervisor.skill')}</th>
              <th>{t('supervisor.waited')}</th>
              <th>{t('supervisor.status')}</th>
              <th>{t('supervisor.reassign')}</th>
            </tr>
          </thead>
          <tbody>
            {waiting.map((e) => (
              <tr key={e.ref} data-conversation={e.conversation_id}>
                <td>{e.customer?.name || e.customer?.id || '—'}</td>
                <td>
                  <ChannelIcon type={e.channel_type} /> {e.channel_id}
                </td>
                <td>{e.skill}</td>
                <td>{formatSeconds(intl, Math.max(0, (now - Date.parse(e.enqueued_at)) / 1000))}</td>
                <td>{e.status === 'offered' ? t('supervisor.ringing', { agent: agents.find((a) => a.id === e.agent)?.name || e.agent }) : t('supervisor.queued')}</td>
                <td>
                  <select aria-label={t('supervisor.reassignTo')} value="" onChange={(ev) => void reassign(e, ev.target.value)}>
                    <option value="" disabled>
                      {t('supervisor.choose')}
                    </option>
                    {agents.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.name || a.id}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
