// The agent's workspace at /desk: state, ringing offers, the inbox and the open conversation,
// all kept live by the agent's event stream.

import { useEffect, useState } from 'react'
import { useT } from '../i18n/I18n'
import { ClaimableList } from '../desk/ClaimableList'
import { ConversationView } from '../desk/ConversationView'
import { Inbox } from '../desk/Inbox'
import { OfferCard } from '../desk/OfferCard'
import { StateSwitch } from '../desk/StateSwitch'
import { useDesk } from '../desk/useDesk'
import { ring } from '../desk/ring'

export function DeskPage() {
  const t = useT()
  const d = useDesk()
  const [selected, setSelected] = useState<string | null>(null)
  // the open conversation leaves when it is closed or transferred
  useEffect(() => {
    if (selected && d.desk && !d.inbox.some((i) => i.id === selected)) setSelected(null)
  }, [d.inbox, d.desk, selected])
  // an offer rings again every 4 seconds until it is answered or withdrawn
  const ringing = d.offers.length > 0
  useEffect(() => {
    if (!ringing) return
    const id = setInterval(ring, 4000)
    return () => clearInterval(id)
  }, [ringing])
  const open = d.inbox.find((i) => i.id === selected) ?? null
  return (
    <div className="desk" data-live={d.live}>
      <header className="page-head">
        <h1>{d.desk ? t('desk.titleOf', { name: d.desk.agent.name || d.desk.agent.id }) : t('desk.title')}</h1>
        <span className={`live ${d.live}`} data-live={d.live}>
          {d.live === 'live' ? t('supervisor.live') : d.live === 'connecting' ? t('supervisor.connecting') : t('supervisor.reconnecting')}
        </span>
      </header>
      {d.error && <p className="error">{d.error}</p>}
      {d.notices.map((n, k) => (
        <p key={k} className="notice" role="alert" data-testid={`notice-${n.kind}`}>
          {n.kind === 'missed'
            ? t('desk.missedOffer')
            : n.kind === 'withdrawn'
              ? t(n.reason === 'reassigned' ? 'desk.offerReassigned' : n.reason === 'left the queue' ? 'desk.offerLeftQueue' : 'desk.offerWithdrawn')
              : t('desk.pausedExplained')}{' '}
          <button type="button" className="link" onClick={() => d.dismiss(n)}>
            {t('common.dismiss')}
          </button>
        </p>
      ))}
      {d.desk && <StateSwitch desk={d.desk} load={d.inbox.length} onChanged={() => void d.reload()} />}
      {d.offers.length > 0 && (
        <section className="offers" aria-label={t('desk.offers')} aria-live="assertive">
          {d.offers.map((o) => (
            <OfferCard key={o.offer!.ref} item={o} onAnswered={d.answered} onAccepted={(id) => void d.reload().then(() => setSelected(id))} onRejected={() => void d.reload()} />
          ))}
        </section>
      )}
      <ClaimableList onClaimed={(id) => void d.reload().then(() => setSelected(id))} />
      <div className="desk-body">
        <Inbox items={d.inbox} selected={selected} onOpen={setSelected} />
        {open && d.desk ? (
          <ConversationView
            key={open.id}
            item={open}
            me={d.desk.agent.id}
            skills={Object.keys(d.desk.agent.skills ?? {})}
            touched={d.touched[open.id] ?? 0}
            onChanged={() => void d.reload()}
            onClosed={() => {
              setSelected(null)
              void d.reload()
            }}
          />
        ) : (
          <section className="conversation empty">
            <p className="muted">{t('desk.pick')}</p>
          </section>
        )}
      </div>
    </div>
  )
}
