// One conversation: its transcript (the customer's posts, comments and messages, the flow's and
// agents' replies, likes and hides), the contact card and history, the SLA clock, the reply box,
// and transfer and close.

import { useCallback, useEffect, useState, type MouseEvent } from 'react'
import { useIntl } from 'react-intl'
import { errorText, getToken } from '../api/client'
import { useT } from '../i18n/I18n'
import { formatSeconds } from '../pages/SupervisorPage'
import { ChannelIcon } from './ChannelIcon'
import { act, closeConversation, linkContact, loadConversation, markRead, retry, setImportant, transfer } from './deskApi'
import { CloseForm, ContactCard, TransferForm } from './ConversationSide'
import { ReplyBox } from './ReplyBox'
import type { Conversation, InboxItem, TranscriptItem } from './types'
import { useNow } from './useDesk'

export function ConversationView({ item, me, skills, touched, onChanged, onClosed }: {
  item: InboxItem
  me: string
  skills: string[]
  touched: number
  onChanged: () => void
  onClosed: () => void
}) {
  const t = useT()
  const [conv, setConv] = useState<Conversation | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [replyTo, setReplyTo] = useState<TranscriptItem | null>(null)
  const load = useCallback(async () => {
    try {
      setConv(await loadConversation(item.id))
      setError(null)
      await markRead(item.id)
      if (item.unread > 0) onChanged()
    } catch (e) {
      setError(errorText(e))
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [item.id, item.unread > 0])
  useEffect(() => {
    void load()
  }, [load, touched])
  const run = async (fn: () => Promise<unknown>) => {
    setError(null)
    try {
      await fn()
      await load()
      onChanged()
    } catch (e) {
      setError(errorText(e))
    }
  }
  if (!conv) return <section className="conversation">{error ? <p className="error">{error}</p> : <p className="muted">{t('common.loading')}</p>}</section>
  const twitter = item.channel_type === 'twitter'
  const social = item.channel_type !== 'webchat'
  return (
    <section className="conversation" aria-labelledby="conv-title" data-conversation={conv.id}>
      <header className="conv-head">
        <ChannelIcon type={item.channel_type} />
        <h2 id="conv-title">{conv.contact?.name || item.customer.name || conv.customer}</h2>
        <button
          type="button"
          className={`star ${conv.important ? 'on' : ''}`}
          aria-pressed={conv.important}
          onClick={() => void run(() => setImportant(conv.id, !conv.important))}
        >
          {conv.important ? '★' : '☆'} {t('desk.important')}
        </button>
        {conv.sla && <SlaClock due={conv.sla.due_at} breached={conv.sla.breached} />}
      </header>
      <div className="conv-body">
        <div className="conv-main">
          <ol className="transcript" aria-label={t('desk.transcript')} aria-live="polite">
            {conv.interactions.map((i) => (
              <Message
                key={i.id}
                i={i}
                me={me}
                customer={conv.contact?.name || item.customer.name}
                social={social}
                twitter={twitter}
                privateReply={i.private_reply ?? (conv.interactions.some((o) => o.direction === 'outbound' && !o.public && o.parent === i.external_id) ? 'used' : 'available')}
                onPrivateReply={() => setReplyTo(i)}
                onAction={(a) => void run(() => act(conv.id, a, i.id))}
                onRetry={() => void run(() => retry(conv.id, i.id))}
              />
            ))}
          </ol>
          {conv.status !== 'closed' && (
            <ReplyBox key={conv.id} conv={conv} channelType={item.channel_type} replyTo={replyTo} onCancelReplyTo={() => setReplyTo(null)} onSent={() => void load()} />
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </div>
        <aside className="conv-side">
          <ContactCard conv={conv} onLink={(id) => run(() => linkContact(conv.id, id))} />
          <TransferForm skills={skills} onTransfer={(to) => run(() => transfer(conv.id, to)).then(onClosed)} />
          <CloseForm conv={conv} onClose={(d) => run(() => closeConversation(conv.id, d)).then(onClosed)} />
        </aside>
      </div>
    </section>
  )
}

function Message({ i, me, customer, social, twitter, privateReply, onPrivateReply, onAction, onRetry }: {
  i: TranscriptItem
  /** The customer's name, for messages whose author came without one (Messenger). */
  customer: string
  /** Whether the comment can still get its one private reply (the server says; an older one
   * does not, and the transcript tells). */
  privateReply: 'available' | 'used' | 'unsupported'
  me: string
  social: boolean
  twitter: boolean
  onPrivateReply: () => void
  onAction: (a: string) => void
  onRetry: () => void
}) {
  const t = useT()
  const intl = useIntl()
  const inbound = i.direction === 'inbound'
  const who = inbound ? i.author?.name || i.author?.handle || customer || i.author?.id : i.agent === me ? t('desk.you') : i.agent ? i.agent : t('desk.flow')
  const failed = i.send?.status === 'failed' || i.status === 'failed'
  const why = i.send?.error ?? i.error
  const kind = i.kind === 'like' || i.kind === 'hide' || i.kind === 'unhide' || i.kind === 'retweet'
  const comment = inbound && i.public && social
  return (
    <li className={`msg ${inbound ? 'in' : 'out'} ${i.public ? 'public' : 'private'} ${failed ? 'failed' : ''}`} data-item={i.id} data-kind={i.kind}>
      <div className="meta">
        <strong>{who}</strong> <span className="badge">{i.public ? t('desk.public') : t('desk.private')}</span>{' '}
        <span className="muted">{intl.formatTime(new Date(i.at), { timeStyle: 'short' })}</span>
        {!inbound && i.status && !failed && <span className="muted"> · {statusLabel(t, i.status)}</span>}
      </div>
      {kind ? <p className="action-note">{actionLabel(t, i.kind)}</p> : <p className="text">{i.text}</p>}
      {(i.attachments ?? []).map((a, n) => (
        <a key={n} className="attachment" href={a.url} target="_blank" rel="noreferrer" onClick={(e) => openFile(e, a.url)}>
          {t('desk.attachment', { name: a.name || a.type })}
        </a>
      ))}
      {failed && (
        <p className="error send-failed" role="alert">
          {t('desk.sendFailed', { reason: why ?? '' })}{' '}
          <button type="button" onClick={onRetry}>
            {t('desk.retry')}
          </button>
        </p>
      )}
      {comment && (
        <div className="msg-actions">
          {privateReply !== 'unsupported' && (
            <button type="button" disabled={privateReply === 'used'} onClick={onPrivateReply}>
              {privateReply === 'used' ? t('desk.privateReplyUsed') : t('desk.privateReply')}
            </button>
          )}
          <button type="button" onClick={() => onAction('like')}>
            {t('desk.like')}
          </button>
          {twitter ? (
            <button type="button" onClick={() => onAction('retweet')}>
              {t('desk.retweet')}
            </button>
          ) : (
            <button type="button" onClick={() => onAction('hide')}>
              {t('desk.hide')}
            </button>
          )}
        </div>
      )}
    </li>
  )
}

type T = ReturnType<typeof useT>

/** Opens a file of the API in a new tab: the API wants the token, which a plain link cannot send. */
function openFile(e: MouseEvent<HTMLAnchorElement>, url: string) {
  if (!url.startsWith('/api/')) return
  e.preventDefault()
  const tab = window.open('', '_blank')
  void fetch(url, { headers: { Authorization: `Bearer ${getToken() ?? ''}` } })
    .then((r) => r.blob())
    .then((b) => {
      if (tab) tab.location.href = URL.createObjectURL(b)
    })
}

function statusLabel(t: T, s: string): string {
  const m: Record<string, Parameters<T>[0]> = { pending: 'desk.status.pending', sent: 'desk.status.sent', delivered: 'desk.status.delivered', read: 'desk.status.read' }
  return m[s] ? t(m[s]) : s
}

function actionLabel(t: T, kind: string): string {
  const m: Record<string, Parameters<T>[0]> = { like: 'desk.did.like', hide: 'desk.did.hide', unhide: 'desk.did.unhide', retweet: 'desk.did.retweet' }
  return m[kind] ? t(m[kind]) : kind
}

function SlaClock({ due, breached }: { due: string; breached: boolean }) {
  const t = useT()
  const intl = useIntl()
  const now = useNow()
  const left = (Date.parse(due) - now) / 1000
  const late = breached || left < 0
  return (
    <span className={`sla ${late ? 'breached' : left < 300 ? 'soon' : ''}`} role="timer" data-testid="sla">
      {late ? t('desk.slaBreached', { time: formatSeconds(intl, Math.abs(left)) }) : t('desk.slaDue', { time: formatSeconds(intl, left) })}
    </span>
  )
}
