// The palette: every block type of the catalogue, grouped by category and searchable. Drag one
// onto the canvas, or click it to add it in the middle of the view.

import { memo, useMemo, useState } from 'react'
import { byCategory, type BlockInfo } from '../catalogue/catalogue'
import { blockDragType } from '../canvas/Canvas'
import { useT } from '../i18n/I18n'

export interface PaletteProps {
  blocks: BlockInfo[]
  disabled: boolean
  onAdd: (type: string) => void
}

function PaletteView({ blocks, disabled, onAdd }: PaletteProps) {
  const t = useT()
  const [query, setQuery] = useState('')
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase()
    const match = (b: BlockInfo) =>
      q === '' || [b.type, b.title, b.category, b.description].some((s) => s.toLowerCase().includes(q))
    return byCategory(blocks.filter(match))
  }, [blocks, query])
  return (
    <aside className="palette" aria-label={t('palette.label')}>
      <input
        type="search"
        className="palette-search"
        placeholder={t('palette.search')}
        aria-label={t('palette.search')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {groups.map((g) => (
        <section key={g.category}>
          <h3>{g.category}</h3>
          <ul>
            {g.blocks.map((b) => (
              <li
                key={b.type}
                className={`palette-item cat-${b.category}`}
                data-type={b.type}
                draggable={!disabled}
                title={b.description}
                onDragStart={(e) => {
                  e.dataTransfer.setData(blockDragType, b.type)
                  e.dataTransfer.effectAllowed = 'copy'
                }}
                onDoubleClick={() => !disabled && onAdd(b.type)}
              >
                <span className="palette-title">{b.title}</span>
                <span className="palette-type">{b.type}</span>
                <button
                  type="button"
                  className="palette-add"
                  aria-label={t('palette.add', { title: b.title })}
                  disabled={disabled}
                  onClick={() => onAdd(b.type)}
                >
                  +
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {groups.length === 0 && <p className="muted">{t('palette.noMatch', { query })}</p>}
    </aside>
  )
}

export const Palette = memo(PaletteView)
