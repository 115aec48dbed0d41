// The workspace's live state: the agent, its state and offers, the inbox, and notices (a missed
// offer, the automatic pause), kept current by the agent's event stream.

import { useCallback, useEffect, useRef, useState } from 'react'
import { errorText } from '../api/client'
import { followAgentEvents } from './agentEvents'
import { loadDesk, loadInbox } from './deskApi'
import { ring } from './ring'
import type { AgentEvent, Desk, InboxItem } from './types'

/** What the desk explains: an offer the agent let ring out, an offer taken away (with the
 * server's reason), the automatic pause. */
export type Notice = { kind: 'missed'; conversation: string } | { kind: 'withdrawn'; conversation: string; reason: string } | { kind: 'paused' }

export interface DeskState {
  desk: Desk | null
  inbox: InboxItem[]
  offers: InboxItem[]
  live: 'connecting' | 'live' | 'retrying'
  error: string | null
  notices: Notice[]
  dismiss: (n: Notice) => void
  reload: () => Promise<void>
  /** Counts the events that concern a conversation, so its view reloads on each. */
  touched: Record<string, number>
  /** Offers the agent answered itself: their withdrawal is no miss. */
  answered: (ref: string) => void
}

export function useDesk(): DeskState {
  const [desk, setDesk] = useState<Desk | null>(null)
  const [items, setItems] = useState<InboxItem[]>([])
  const [live, setLive] = useState<DeskState['live']>('connecting')
  const [error, setError] = useState<string | null>(null)
  const [notices, setNotices] = useState<Notice[]>([])
  const [touched, setTouched] = useState<Record<string, number>>({})
  const mine = useRef(new Set<string>())
  const ringing = useRef(new Set<string>())

  const reload = useCallback(async () => {
    try {
      const d = await loadDesk()
      const inbox = await loadInbox(d)
      setDesk(d)
      setItems(inbox)
      setError(null)
      // a new offer rings once
      const now = new Set(inbox.filter((i) => i.offer).map((i) => i.offer!.ref))
      for (const ref of now) if (!ringing.current.has(ref)) ring()
      ringing.current = now
    } catch (e) {
      setError(errorText(e))
    }
  }, [])

  useEffect(() => {
    const ctl = new AbortController()
    const onEvent = (ev: AgentEvent) => {
      if (ev.type === 'claimable' || ev.type === 'claimable_gone') return // ClaimableList's, not the inbox's
      if (ev.conversation) setTouched((t) => ({ ...t, [ev.conversation!]: (t[ev.conversation!] ?? 0) + 1 }))
      if (ev.type === 'offer_missed') {
        setNotices((n) => [...n.slice(-4), { kind: 'missed', conversation: ev.conversation ?? '' }])
      }
      if (ev.type === 'offer_withdrawn' && ev.ref && !mine.current.has(ev.ref)) {
        setNotices((n) => [...n.slice(-4), { kind: 'withdrawn', conversation: ev.conversation ?? '', reason: ev.reason ?? '' }])
      }
      if ((ev.type === 'state' || ev.type === 'auto_pause' || ev.type === 'paused') && ev.state === 'break' && /missed/.test(ev.reason ?? '')) {
        setNotices((n) => (n.some((x) => x.kind === 'paused') ? n : [...n, { kind: 'paused' }]))
      }
      void reload()
    }
    void followAgentEvents(ctl.signal, {
      onEvent,
      onOpen: () => {
        setLive('live')
        void reload()
      },
      onReset: () => void reload(),
      onDown: (e) => {
        setLive('retrying')
        if (e) setError(errorText(e))
      },
    })
    return () => ctl.abort()
  }, [reload])

  const dismiss = useCallback((n: Notice) => setNotices((all) => all.filter((x) => x !== n)), [])
  const answered = useCallback((ref: string) => void mine.current.add(ref), [])
  return {
    desk,
    inbox: items.filter((i) => !i.offer && i.status !== 'offered'),
    offers: items.filter((i) => i.offer),
    live,
    error,
    notices,
    dismiss,
    reload,
    touched,
    answered,
  }
}

/** The time now, every second: for countdowns and waiting times. */
export function useNow(every = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), every)
    return () => clearInterval(id)
  }, [every])
  return now
}
