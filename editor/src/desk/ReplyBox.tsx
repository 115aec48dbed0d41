// The reply box: public or private (or a private reply to one public comment), the window that
// allows it, emoji, canned responses (/ at the start, or Ctrl+Space) and attachments.

import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { useIntl } from 'react-intl'
import { ApiError, errorText } from '../api/client'
import { useT } from '../i18n/I18n'
import { attachmentProblem } from './attachmentRules'
import { reply, searchCanned, uploadFile } from './deskApi'
import { emoji } from './emoji'
import type { CannedResponse, Conversation, TranscriptItem } from './types'

type Visibility = 'public' | 'private'

export function ReplyBox({
  conv,
  channelType,
  replyTo,
  onCancelReplyTo,
  onSent,
}: {
  conv: Conversation
  channelType: string
  replyTo: TranscriptItem | null
  onCancelReplyTo: () => void
  onSent: () => void
}) {
  const t = useT()
  const intl = useIntl()
  const lastIn = [...conv.interactions].reverse().find((i) => i.direction === 'inbound')
  const [visibility, setVisibility] = useState<Visibility>(lastIn?.public ? 'public' : 'private')
  const [text, setText] = useState('')
  const [files, setFiles] = useState<{ id: string; name: string; type: string }[]>([])
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [showEmoji, setShowEmoji] = useState(false)
  const [canned, setCanned] = useState<{ q: string; items: CannedResponse[]; at: number } | null>(null)
  const box = useRef<HTMLTextAreaElement>(null)
  // the answer goes where the customer last wrote, unless the agent chooses otherwise
  useEffect(() => {
    if (lastIn) setVisibility(lastIn.public ? 'public' : 'private')
  }, [lastIn?.id]) // eslint-disable-line react-hooks/exhaustive-deps
  const vis: Visibility = replyTo ? 'private' : visibility
  const webchat = channelType === 'webchat'

  // the window: why the box is closed, if it is
  const w = conv.window
  let closed: string | null = null
  if (w && vis === 'private' && !w.private_open && !replyTo) {
    closed = w.private_until ? t('desk.windowClosedAt', { at: new Date(w.private_until) }) : t('desk.windowClosed')
  } else if (w && vis === 'public' && !w.public_allowed) closed = t('desk.publicNotAllowed')
  // files the network cannot carry with this reply: explained, and the reply is not sent
  const toPublic = replyTo ? replyTo.public : vis === 'private' && !!lastIn?.public
  const filesProblem = webchat ? null : attachmentProblem({ channelType, visibility: vis, toPublic, text, files })

  // the canned responses matching what follows the / (or what Ctrl+Space opened)
  useEffect(() => {
    if (!canned) return
    let stale = false
    searchCanned(conv.id, canned.q)
      .then((items) => !stale && setCanned((c) => (c && c.q === canned.q ? { ...c, items } : c)))
      .catch((e) => !stale && setError(errorText(e)))
    return () => {
      stale = true
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [canned?.q, conv.id])

  const insert = (s: string) => {
    const el = box.current
    const start = el?.selectionStart ?? text.length
    const end = el?.selectionEnd ?? text.length
    setText(text.slice(0, start) + s + text.slice(end))
    requestAnimationFrame(() => {
      el?.focus()
      el?.setSelectionRange(start + s.length, start + s.length)
    })
  }
  const pick = (c: CannedResponse) => {
    const body = c.rendered ?? c.text
    // a "/query" at the start is replaced; from Ctrl+Space the text goes where the cursor is
    if (text.startsWith('/')) setText(body + text.slice(1 + (canned?.q.length ?? 0)))
    else insert(body)
    setCanned(null)
    requestAnimationFrame(() => box.current?.focus())
  }
  const onChange = (v: string) => {
    setText(v)
    const m = /^\/(\S*)$/.exec(v)
    if (m) setCanned((c) => ({ q: m[1], items: c?.items ?? [], at: 0 }))
    else if (canned && v.startsWith('/') === false && canned.at === 0 && text.startsWith('/')) setCanned(null)
  }
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === ' ' && e.ctrlKey) {
      e.preventDefault()
      setCanned({ q: '', items: [], at: 1 })
      return
    }
    if (canned) {
      if (e.key === 'Escape') setCanned(null)
      else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        const n = canned.items.length
        if (n) setCanned({ ...canned, at: ((Math.max(canned.at, 1) - 1 + (e.key === 'ArrowDown' ? 1 : n - 1)) % n) + 1 })
      } else if (e.key === 'Enter' && canned.items.length) pick(canned.items[Math.max(canned.at, 1) - 1])
      else return
      e.preventDefault()
      return
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault()
      void send()
    }
  }
  const attach = async (list: FileList | null) => {
    setError(null)
    for (const f of Array.from(list ?? [])) {
      try {
        const up = await uploadFile(conv.id, f)
        setFiles((fs) => [...fs, { id: up.id, name: up.name || f.name, type: up.type || f.type }])
      } catch (e) {
        setError(errorText(e))
      }
    }
  }
  const send = async () => {
    if (closed || filesProblem || busy || (!text.trim() && !files.length)) return
    setBusy(true)
    setError(null)
    try {
      await reply(conv.id, {
        text,
        visibility: webchat ? 'same' : vis,
        reply_to: replyTo?.id,
        attachments: files.length ? files.map((f) => f.id) : undefined,
      })
      setText('')
      setFiles([])
      onCancelReplyTo()
      onSent()
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'window_closed' ? t('desk.windowClosed') : errorText(e))
    } finally {
      setBusy(false)
    }
  }
  const active = canned ? Math.max(canned.at, 1) - 1 : -1
  return (
    <form
      className="reply-box"
      aria-label={t('desk.reply')}
      onSubmit={(e) => {
        e.preventDefault()
        void send()
      }}
    >
      <div className="reply-options">
        {!webchat && !replyTo && (
          <fieldset className="visibility">
            <legend className="sr-only">{t('desk.visibility')}</legend>
            {(['public', 'private'] as const).map((v) => (
              <label key={v}>
                <input type="radio" name="visibility" value={v} checked={visibility === v} onChange={() => setVisibility(v)} />
                {v === 'public' ? t('desk.public') : t('desk.private')}
              </label>
            ))}
          </fieldset>
        )}
        {replyTo && (
          <span className="reply-to" data-testid="reply-to">
            {t('desk.privateReplyTo', { text: replyTo.text.slice(0, 60) })}
            <button type="button" className="link" onClick={onCancelReplyTo}>
              {t('common.cancel')}
            </button>
          </span>
        )}
        {w?.human_agent_until && <span className="muted">{t('desk.humanAgentUntil', { at: new Date(w.human_agent_until) })}</span>}
        {w?.private_until && w.private_open && <span className="muted">{t('desk.windowOpenUntil', { at: new Date(w.private_until) })}</span>}
      </div>
      {closed && (
        <p className="notice" role="status" data-testid="window-closed">
          {closed}
        </p>
      )}
      <div className="reply-input">
        <textarea
          ref={box}
          value={text}
          rows={3}
          disabled={closed !== null}
          aria-label={t('desk.replyText')}
          placeholder={t('desk.replyPlaceholder')}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKey}
          aria-controls={canned ? 'canned-list' : undefined}
        />
        {canned && (
          <ul id="canned-list" className="canned-list" role="listbox" aria-label={t('desk.canned')}>
            {canned.items.length === 0 && <li className="muted">{t('desk.cannedNone')}</li>}
            {canned.items.map((c, i) => (
              <li
                key={c.id}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'selected' : undefined}
                onMouseDown={(e) => {
                  e.preventDefault()
                  pick(c)
                }}
              >
                <strong>{c.title}</strong> {c.shortcut && <code>{`/${c.shortcut}`}</code>}
                <span className="muted">{(c.rendered ?? c.text).slice(0, 80)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {files.length > 0 && (
        <ul className="files">
          {files.map((f) => (
            <li key={f.id}>
              {f.name}{' '}
              <button type="button" className="link" aria-label={t('common.removeItem', { item: f.name })} onClick={() => setFiles((fs) => fs.filter((x) => x !== f))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {filesProblem && (
        <p className="notice" role="status" data-testid="files-problem">
          {t(filesProblem)}
        </p>
      )}
      <div className="reply-actions">
        <button type="button" aria-expanded={showEmoji} onClick={() => setShowEmoji(!showEmoji)} disabled={closed !== null}>
          <span aria-hidden="true">😊</span> {t('desk.emoji')}
        </button>
        <label className="button" aria-disabled={closed !== null} data-testid="attach">
          {t('desk.attach')}
          <input type="file" className="sr-only" disabled={closed !== null} onChange={(e) => void attach(e.target.files).then(() => (e.target.value = ''))} />
        </label>
        <button type="button" onClick={() => setCanned({ q: '', items: [], at: 1 })} disabled={closed !== null}>
          {t('desk.canned')}
        </button>
        <span className="spacer" />
        <span className="muted">{intl.formatNumber(text.length)}</span>
        <button type="submit" className="primary" disabled={closed !== null || filesProblem !== null || busy || (!text.trim() && !files.length)}>
          {replyTo ? t('desk.sendPrivateReply') : vis === 'public' && !webchat ? t('desk.sendPublic') : t('desk.sendPrivate')}
        </button>
      </div>
      {showEmoji && (
        <div className="emoji-picker" role="group" aria-label={t('desk.emoji')}>
          {emoji.map((e) => (
            <button key={e} type="button" onClick={() => insert(e)} aria-label={e}>
              {e}
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}
