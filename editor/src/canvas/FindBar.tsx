// Find a block by its id, type or title (Ctrl+F or Cmd+F): Enter goes to the first match, the
// arrows to the others.

import { useMemo, useState } from 'react'
import type { BlockInfo } from '../catalogue/catalogue'
import { useDoc, useModel } from '../document/store'
import { useT } from '../i18n/I18n'

export function FindBar({ types, onClose }: { types: Map<string, BlockInfo>; onClose: () => void }) {
  const t = useT()
  const model = useModel()
  const [q, setQ] = useState('')
  const [active, setActive] = useState(0)
  const matches = useMemo(() => {
    const s = q.trim().toLowerCase()
    if (!s) return []
    return model.blocks
      .filter((b) => b.id.toLowerCase().includes(s) || b.type.toLowerCase().includes(s) || (types.get(b.type)?.title.toLowerCase().includes(s) ?? false))
      .slice(0, 50)
  }, [q, model, types])
  const go = (i: number) => {
    const b = matches[i]
    if (!b) return
    setActive(i)
    useDoc.getState().focusBlock(b.id)
  }
  return (
    <div className="find-bar" role="search">
      <input
        autoFocus
        type="search"
        aria-label={t('find.label')}
        placeholder={t('find.placeholder')}
        value={q}
        onChange={(e) => {
          setQ(e.target.value)
          setActive(0)
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') go(active)
          else if (e.key === 'ArrowDown') go((active + 1) % Math.max(1, matches.length))
          else if (e.key === 'ArrowUp') go((active - 1 + matches.length) % Math.max(1, matches.length))
          else if (e.key === 'Escape') onClose()
        }}
      />
      <span className="muted">{q ? t('find.found', { count: matches.length }) : ''}</span>
      <button type="button" className="icon" aria-label={t('find.close')} onClick={onClose}>
        ×
      </button>
      {matches.length > 0 && (
        <ul>
          {matches.map((b, i) => (
            <li key={b.id} className={i === active ? 'active' : undefined}>
              <button type="button" onClick={() => go(i)}>
                <strong>{b.id}</strong> <span className="muted">{b.type}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
