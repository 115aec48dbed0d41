// The conversations of manual skills waiting to be claimed, with a Claim button each: loaded
// once, then updated by the agent's event stream, never polled. Hidden while there are none.

import { useCallback, useEffect, useState } from 'react'
import { useIntl } from 'react-intl'
import { ApiError, errorText } from '../api/client'
import { useT } from '../i18n/I18n'
import { formatSeconds } from '../pages/SupervisorPage'
import { followAgentEvents } from './agentEvents'
import { ChannelIcon } from './ChannelIcon'
import { applyClaimEvent, claim, loadClaimable } from './claimable'
import type { QueueEntry } from './types'
import { useNow } from './useDesk'

export function ClaimableList({ onClaimed }: { onClaimed: (conversation: string) => void }) {
  const t = useT()
  const intl = useIntl()
  const now = useNow()
  const [list, setList] = useState<QueueEntry[]>([])
  const [note, setNote] = useState<string | null>(null)

  const load = useCallback(async () => {
    try {
      setList(await loadClaimable())
    } catch (e) {
      setNote(errorText(e))
    }
  }, [])

  useEffect(() => {
    const ctl = new AbortController()
    void followAgentEvents(ctl.signal, {
      onEvent: (ev) =>
        setList((cur) => {
          const next = applyClaimEvent(cur, ev)
          if (next === 'load') {
            void load()
            return cur
          }
          return next ?? cur
        }),
      onOpen: () => void load(),
      onReset: () => void load(),
      onDown: () => {},
    })
    return () => ctl.abort()
  }, [load])

  const take = async (e: QueueEntry) => {
    setNote(null)
    try {
      await claim(e.ref)
      setList((cur) => cur.filter((x) => x.ref !== e.ref))
      onClaimed(e.conversation_id)
    } catch (err) {
      setNote(err instanceof ApiError && err.status === 409 ? t('desk.claimTaken') : errorText(err))
      void load()
    }
  }

  if (list.length === 0 && !note) return null
  return (
    <section className="claimable" aria-labelledby="claimable-title" data-testid="claimable">
      <h2 id="claimable-title">
        {t('desk.claimable')} <span className="muted">{intl.formatNumber(list.length)}</span>
      </h2>
      {note && <p className="notice">{note}</p>}
      <ul>
        {list.map((e) => (
          <li key={e.ref} data-conversation={e.conversation_id}>
            <ChannelIcon type={e.channel_type} />
            <span className="who">{e.skill}</span>
            <span className="waited muted" title={t('desk.waitingSince')}>
              {formatSeconds(intl, Math.max(0, (now - Date.parse(e.enqueued_at)) / 1000))}
            </span>
            <button type="button" onClick={() => void take(e)}>
              {t('desk.claim')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
