// An offer ringing: who and where, a countdown to its expiry, accept and reject.

import { useState } from 'react'
import { errorText } from '../api/client'
import { useT } from '../i18n/I18n'
import { ChannelIcon } from './ChannelIcon'
import { acceptOffer, rejectOffer } from './deskApi'
import type { InboxItem } from './types'
import { useNow } from './useDesk'

export function OfferCard({ item, onAnswered, onAccepted, onRejected }: {
  item: InboxItem
  onAnswered: (ref: string) => void
  onAccepted: (id: string) => void
  onRejected: () => void
}) {
  const t = useT()
  const now = useNow()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const offer = item.offer!
  const left = Math.max(0, Math.ceil((Date.parse(offer.expires_at) - now) / 1000))
  const answer = async (accept: boolean) => {
    setBusy(true)
    setError(null)
    onAnswered(offer.ref)
    try {
      await (accept ? acceptOffer(offer.ref) : rejectOffer(offer.ref))
      if (accept) onAccepted(item.id)
      else onRejected()
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <article className="offer ringing" data-offer={item.id} aria-labelledby={`offer-${item.id}`}>
      <header>
        <ChannelIcon type={item.channel_type} />
        <strong id={`offer-${item.id}`}>{t('desk.offerFrom', { name: item.customer.name || item.channel })}</strong>
        <span className="countdown" role="timer" aria-live="off" data-testid="countdown">
          {t('desk.expiresIn', { seconds: left })}
        </span>
      </header>
      {item.first && <p className="first">{item.first.text}</p>}
      <p className="muted">{t('desk.offerSkill', { skill: item.skill, channel: item.channel })}</p>
      <div className="row-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void answer(true)}>
          {t('desk.accept')}
        </button>
        <button type="button" disabled={busy} onClick={() => void answer(false)}>
          {t('desk.reject')}
        </button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
    </article>
  )
}
