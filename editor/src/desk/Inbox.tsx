// The agent's conversations: channel, customer, first message, time since the customer last
// wrote, unread count and importance. j/k or the arrows move, Enter opens.

import { useRef, type KeyboardEvent } from 'react'
import { useIntl } from 'react-intl'
import { useT } from '../i18n/I18n'
import { formatSeconds } from '../pages/SupervisorPage'
import { ChannelIcon } from './ChannelIcon'
import type { InboxItem } from './types'
import { useNow } from './useDesk'

export function Inbox({ items, selected, onOpen }: { items: InboxItem[]; selected: string | null; onOpen: (id: string) => void }) {
  const t = useT()
  const intl = useIntl()
  const now = useNow()
  const list = useRef<HTMLUListElement>(null)
  const focusAt = (i: number) => {
    const rows = list.current?.querySelectorAll<HTMLElement>('[role=option]')
    if (!rows?.length) return
    rows[Math.max(0, Math.min(rows.length - 1, i))].focus()
  }
  const onKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const rows = Array.from(list.current?.querySelectorAll<HTMLElement>('[role=option]') ?? [])
    const at = rows.indexOf(document.activeElement as HTMLElement)
    if (e.key === 'j' || e.key === 'ArrowDown') focusAt(at + 1)
    else if (e.key === 'k' || e.key === 'ArrowUp') focusAt(at < 0 ? 0 : at - 1)
    else if (e.key === 'Enter' && at >= 0) onOpen(items[at].id)
    else return
    e.preventDefault()
  }
  return (
    <section className="inbox" aria-labelledby="inbox-title">
      <h2 id="inbox-title">
        {t('desk.inbox')} <span className="muted">{intl.formatNumber(items.length)}</span>
      </h2>
      {items.length === 0 && <p className="muted">{t('desk.inboxEmpty')}</p>}
      <ul ref={list} role="listbox" aria-labelledby="inbox-title" tabIndex={items.length ? 0 : -1} onKeyDown={onKey} onFocus={(e) => e.target === list.current && focusAt(Math.max(0, items.findIndex((i) => i.id === selected)))}>
        {items.map((i) => {
          const waited = i.last_customer_at ? (now - Date.parse(i.last_customer_at)) / 1000 : null
          return (
            <li
              key={i.id}
              role="option"
              tabIndex={-1}
              aria-selected={i.id === selected}
              data-conversation={i.id}
              className={i.id === selected ? 'selected' : undefined}
              onClick={() => onOpen(i.id)}
            >
              <ChannelIcon type={i.channel_type} />
              <span className="who">
                <strong>{i.customer.name || i.customer.id || i.channel}</strong>
                {i.important && (
                  <span className="important" role="img" aria-label={t('desk.important')}>
                    ★
                  </span>
                )}
                {i.unread > 0 && (
                  <span className="unread" aria-label={t('desk.unread', { n: i.unread })}>
                    {intl.formatNumber(i.unread)}
                  </span>
                )}
              </span>
              <span className="first">{i.first?.text ?? ''}</span>
              <span className="waited muted" title={t('desk.waitingSince')}>
                {waited === null ? '' : formatSeconds(intl, Math.max(0, waited))}
              </span>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
