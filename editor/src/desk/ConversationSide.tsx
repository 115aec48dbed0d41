// The side of a conversation: the contact card and the customer's history, transfer, and close
// with a disposition.

import { useState } from 'react'
import { useIntl } from 'react-intl'
import { useT } from '../i18n/I18n'
import type { Conversation } from './types'

export function ContactCard({ conv, onLink }: { conv: Conversation; onLink: (id: string) => Promise<void> }) {
  const t = useT()
  const intl = useIntl()
  const [id, setId] = useState('')
  const c = conv.contact
  return (
    <section className="contact-card" aria-labelledby="contact-title">
      <h3 id="contact-title">{t('desk.contact')}</h3>
      {c ? (
        <dl>
          <dt>{t('common.name')}</dt>
          <dd>
            {c.name} {c.vip && <span className="badge">{t('desk.vip')}</span>}
          </dd>
          {c.handle && (
            <>
              <dt>{t('desk.handle')}</dt>
              <dd>{c.handle}</dd>
            </>
          )}
          {c.tags && c.tags.length > 0 && (
            <>
              <dt>{t('desk.tags')}</dt>
              <dd>{c.tags.join(', ')}</dd>
            </>
          )}
        </dl>
      ) : (
        <form
          className="link-contact"
          onSubmit={(e) => {
            e.preventDefault()
            if (id.trim()) void onLink(id.trim())
          }}
        >
          <p className="muted">{conv.contact_required ? t('desk.contactRequired') : t('desk.noContact')}</p>
          <label>
            {t('desk.contactId')}
            <input value={id} onChange={(e) => setId(e.target.value)} />
          </label>
          <button type="submit" disabled={!id.trim()}>
            {t('desk.linkContact')}
          </button>
        </form>
      )}
      {conv.history && conv.history.length > 0 && (
        <>
          <h4>{t('desk.history')}</h4>
          <ul className="history">
            {conv.history.map((h) => (
              <li key={h.id}>
                {h.closed_at ? intl.formatDate(new Date(h.closed_at), { dateStyle: 'medium' }) : '—'} · {h.skill} · <strong>{h.disposition || '—'}</strong>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

export function TransferForm({ skills, onTransfer }: { skills: string[]; onTransfer: (to: { skill: string } | { agent: string }) => Promise<void> }) {
  const t = useT()
  const [kind, setKind] = useState<'skill' | 'agent'>('skill')
  const [to, setTo] = useState('')
  return (
    <form
      className="transfer"
      aria-labelledby="transfer-title"
      onSubmit={(e) => {
        e.preventDefault()
        if (to.trim()) void onTransfer(kind === 'skill' ? { skill: to.trim() } : { agent: to.trim() })
      }}
    >
      <h3 id="transfer-title">{t('desk.transfer')}</h3>
      <label>
        {t('desk.transferTo')}
        <select value={kind} onChange={(e) => setKind(e.target.value as 'skill' | 'agent')}>
          <option value="skill">{t('desk.toSkill')}</option>
          <option value="agent">{t('desk.toAgent')}</option>
        </select>
      </label>
      <label>
        {kind === 'skill' ? t('desk.skill') : t('desk.agentId')}
        <input value={to} list={kind === 'skill' ? 'desk-skills' : undefined} onChange={(e) => setTo(e.target.value)} />
      </label>
      <datalist id="desk-skills">
        {skills.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <button type="submit" disabled={!to.trim()}>
        {t('desk.transferDo')}
      </button>
    </form>
  )
}

export function CloseForm({ conv, onClose }: { conv: Conversation; onClose: (d: string) => Promise<void> }) {
  const t = useT()
  const options = conv.dispositions ?? []
  const [d, setD] = useState(options[0] ?? '')
  return (
    <form
      className="close"
      aria-labelledby="close-title"
      onSubmit={(e) => {
        e.preventDefault()
        void onClose(d)
      }}
    >
      <h3 id="close-title">{t('desk.close')}</h3>
      <label>
        {t('desk.disposition')}
        {options.length ? (
          <select value={d} onChange={(e) => setD(e.target.value)} data-testid="disposition">
            {options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        ) : (
          <input value={d} onChange={(e) => setD(e.target.value)} data-testid="disposition" />
        )}
      </label>
      <button type="submit" className="primary" disabled={conv.contact_required === true && !conv.contact_id}>
        {t('desk.closeDo')}
      </button>
    </form>
  )
}
