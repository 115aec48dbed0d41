// One field of a generated form: the widget its spec calls for, its label and hint, and the
// problems the server found at its path.

import { useEffect, useId, useState } from 'react'
import { stringify, parse } from 'yaml'
import type { ParamPath } from '../document/flowText'
import { durationError, parseNumber, pathString, type Field } from './form'
import { useForm } from './context'
import { Problems } from './fields/Problems'
import { ExpressionInput } from './fields/ExpressionInput'
import { TextListField } from './fields/TextListField'
import { ObjectListField } from './fields/ObjectListField'
import { WeeklyHoursField } from './fields/WeeklyHoursField'
import { DateListField } from './fields/DateListField'
import { MapField } from './fields/MapField'
import { useT } from '../i18n/I18n'

export interface FieldProps {
  field: Field
  value: unknown
  path: ParamPath
}

/** Widgets that show the problems of everything inside them, having no field per part. */
const composite = new Set(['enum-set', 'text-list', 'weekly-hours', 'date-list', 'map', 'yaml'])

export function FieldView({ field, value, path }: FieldProps) {
  const t = useT()
  const ctx = useForm()
  const id = useId()
  const p = pathString(path)
  const problems = composite.has(field.widget) ? ctx.problemsUnder(p) : ctx.problemsAt(p)
  const invalid = problems.some((d) => d.severity === 'error')
  return (
    <div className={`field w-${field.widget}${invalid ? ' invalid' : ''}`} data-path={p}>
      {field.label && (
        <label htmlFor={id} className="field-label" title={field.help}>
          {field.label}
          {field.required && <span className="required" title={t('field.required')}> *</span>}
        </label>
      )}
      <Widget field={field} value={value} path={path} id={id} invalid={invalid} />
      {field.help && field.widget !== 'bool' && <div className="field-help">{field.help}</div>}
      <Problems list={problems} />
    </div>
  )
}

interface WidgetProps extends FieldProps {
  id: string
  invalid: boolean
}

/** Writes a text: empty removes the value. */
const text = (v: string): string | undefined => (v === '' ? undefined : v)

function Widget({ field, value, path, id, invalid }: WidgetProps) {
  const t = useT()
  const ctx = useForm()
  const set = (v: unknown) => ctx.set(path, v)
  const label = field.label || field.name || t('field.value')
  switch (field.widget) {
    case 'text':
      return <TextInput id={id} field={field} value={value} onChange={(v) => set(text(v))} invalid={invalid} />
    case 'int':
    case 'number':
      return <NumberInput id={id} field={field} value={value} onChange={set} invalid={invalid} />
    case 'duration':
      return <DurationInput id={id} field={field} value={value} onChange={set} invalid={invalid} />
    case 'bool': {
      const on = typeof value === 'boolean' ? value : field.defaultValue === true
      return (
        <label className="check">
          <input
            id={id}
            type="checkbox"
            checked={on}
            disabled={ctx.readOnly}
            onChange={(e) => set(e.target.checked === (field.defaultValue === true) ? undefined : e.target.checked)}
          />
          {field.help}
        </label>
      )
    }
    case 'enum':
      return (
        <select
          id={id}
          value={typeof value === 'string' ? value : ''}
          disabled={ctx.readOnly}
          aria-invalid={invalid || undefined}
          onChange={(e) => set(text(e.target.value))}
        >
          <option value="">{field.defaultValue !== undefined ? t('field.default', { value: String(field.defaultValue) }) : '—'}</option>
          {field.options?.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
          {typeof value === 'string' && value !== '' && !field.options?.includes(value) && <option value={value}>{value}</option>}
        </select>
      )
    case 'expression':
    case 'template':
      return (
        <ExpressionInput
          label={label}
          value={typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)}
          onChange={(v) => set(text(v))}
          template={field.widget === 'template'}
          placeholder={field.placeholder}
          multiline={field.widget === 'template' && field.format === undefined}
          invalid={invalid}
        />
      )
    case 'enum-set': {
      const list = Array.isArray(value) ? value.map(String) : Array.isArray(field.defaultValue) ? (field.defaultValue as string[]) : []
      return (
        <div className="enum-set" role="group" aria-label={label}>
          {field.options?.map((o) => (
            <label key={o} className="check">
              <input
                type="checkbox"
                checked={list.includes(o)}
                disabled={ctx.readOnly}
                onChange={(e) => {
                  const next = (field.options ?? []).filter((x) => (x === o ? e.target.checked : list.includes(x)))
                  set(next)
                }}
              />
              {o}
            </label>
          ))}
        </div>
      )
    }
    case 'text-list':
      return <TextListField field={field} value={value} path={path} />
    case 'object-list':
      return <ObjectListField field={field} value={value} path={path} />
    case 'weekly-hours':
      return <WeeklyHoursField field={field} value={value} path={path} />
    case 'date-list':
      return <DateListField field={field} value={value} path={path} />
    case 'map':
      return <MapField field={field} value={value} path={path} />
    case 'object':
      return (
        <fieldset className="object">
          {field.fields?.map((f) => (
            <FieldView
              key={f.name}
              field={f}
              value={value && typeof value === 'object' ? (value as Record<string, unknown>)[f.name] : undefined}
              path={[...path, f.name]}
            />
          ))}
        </fieldset>
      )
    case 'yaml':
      return <YamlInput id={id} value={value} onChange={set} />
  }
}

function TextInput({ id, field, value, onChange, invalid }: { id: string; field: Field; value: unknown; onChange: (v: string) => void; invalid: boolean }) {
  const ctx = useForm()
  const list = field.suggest ? ctx.suggestions(field.suggest) : []
  const listId = `${id}-list`
  return (
    <>
      <input
        id={id}
        type="text"
        value={value === undefined || value === null ? '' : String(value)}
        placeholder={field.placeholder}
        list={list.length ? listId : undefined}
        disabled={ctx.readOnly}
        aria-invalid={invalid || undefined}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
      {list.length > 0 && (
        <datalist id={listId}>
          {list.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
    </>
  )
}

/** A text kept while it is not a valid value yet, with what is wrong with it. */
function useDraft(value: unknown): [string, (s: string) => void] {
  const shown = value === undefined || value === null ? '' : String(value)
  const [draft, setDraft] = useState(shown)
  useEffect(() => setDraft(shown), [shown])
  return [draft, setDraft]
}

function NumberInput({ id, field, value, onChange, invalid }: { id: string; field: Field; value: unknown; onChange: (v: unknown) => void; invalid: boolean }) {
  const ctx = useForm()
  const [draft, setDraft] = useDraft(value)
  const parsed = parseNumber(draft, field)
  return (
    <>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={draft}
        placeholder={field.placeholder}
        disabled={ctx.readOnly}
        aria-invalid={invalid || parsed.error !== undefined || undefined}
        onChange={(e) => {
          setDraft(e.target.value)
          const p = parseNumber(e.target.value, field)
          if (p.error === undefined) onChange(p.value)
        }}
      />
      {parsed.error && <div className="field-error">{parsed.error}</div>}
    </>
  )
}

function DurationInput({ id, field, value, onChange, invalid }: { id: string; field: Field; value: unknown; onChange: (v: unknown) => void; invalid: boolean }) {
  const ctx = useForm()
  const [draft, setDraft] = useDraft(value)
  const error = durationError(draft)
  return (
    <>
      <input
        id={id}
        type="text"
        value={draft}
        placeholder={field.placeholder || '15m'}
        disabled={ctx.readOnly}
        aria-invalid={invalid || error !== undefined || undefined}
        onChange={(e) => {
          setDraft(e.target.value)
          if (durationError(e.target.value) === undefined) onChange(text(e.target.value.trim()))
        }}
      />
      {error && <div className="field-error">{error}</div>}
    </>
  )
}

/** Any value as YAML, for parameters no widget fits. */
function YamlInput({ id, value, onChange }: { id: string; value: unknown; onChange: (v: unknown) => void }) {
  const ctx = useForm()
  const shown = value === undefined ? '' : stringify(value).trimEnd()
  const [draft, setDraft] = useState(shown)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => setDraft(shown), [shown])
  return (
    <>
      <textarea
        id={id}
        className="yaml-input"
        rows={Math.min(10, Math.max(2, draft.split('\n').length))}
        value={draft}
        disabled={ctx.readOnly}
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          try {
            onChange(draft.trim() === '' ? undefined : (parse(draft) as unknown))
            setError(null)
          } catch (e) {
            setError(e instanceof Error ? e.message.split('\n')[0] : String(e))
          }
        }}
      />
      {error && <div className="field-error">{error}</div>}
    </>
  )
}
