// A list of objects, such as a keyword filter's rules or a switch's cases: a small form per item,
// added, removed and reordered. Exits named by an item's field follow on the canvas live.

import { useT } from '../../i18n/I18n'
import { FieldView } from '../FieldView'
import { asList, newItem, pathString, type Field } from '../form'
import type { ParamPath } from '../../document/flowText'
import { useForm } from '../context'
import { Problems } from './Problems'

export function ObjectListField({ field, value, path }: { field: Field; value: unknown; path: ParamPath }) {
  const t = useT()
  const ctx = useForm()
  const items = asList(value)
  const fields = field.fields ?? []
  const noun = field.param.elem?.description?.replace(/^an? /, '') || t('list.item')
  const add = () => {
    const item = newItem(fields)
    if (items.length === 0) ctx.set(path, [item])
    else ctx.set([...path, items.length], item)
  }
  return (
    <div className="object-list">
      {items.map((item, i) => {
        const obj = item && typeof item === 'object' ? (item as Record<string, unknown>) : {}
        const itemPath = [...path, i]
        return (
          <fieldset className="object-item" key={i} data-item={i}>
            <legend>
              {noun} {i + 1}
              <span className="row-tools">
                <button type="button" className="icon" title={t('list.moveUp')} aria-label={t('list.moveUp')} disabled={ctx.readOnly || i === 0} onClick={() => ctx.move(path, i, i - 1)}>
                  ↑
                </button>
                <button type="button" className="icon" title={t('list.moveDown')} aria-label={t('list.moveDown')} disabled={ctx.readOnly || i === items.length - 1} onClick={() => ctx.move(path, i, i + 1)}>
                  ↓
                </button>
                <button
                  type="button"
                  className="icon"
                  title={t('list.remove')}
                  aria-label={t('list.removeNth', { item: noun, n: i + 1 })}
                  disabled={ctx.readOnly}
                  onClick={() => ctx.set(itemPath, undefined)}
                >
                  ×
                </button>
              </span>
            </legend>
            <Problems list={ctx.problemsAt(pathString(itemPath))} />
            {fields.map((f) => (
              <FieldView key={f.name} field={f} value={obj[f.name]} path={[...itemPath, f.name]} />
            ))}
          </fieldset>
        )
      })}
      <button type="button" className="add" disabled={ctx.readOnly} onClick={add}>
        {t('list.addItem', { item: noun })}
      </button>
    </div>
  )
}
