// The form of a channel's or a skill's settings, drawn from the spec the server serves: one
// field per setting, checked as it is typed with the server's own rules, saved as a whole.

import { useMemo, useState, type FormEvent, type ReactNode } from 'react'
import { useIntl } from 'react-intl'
import { useT } from '../i18n/I18n'
import { settingLabel } from '../i18n/labels'
import { checkField, formValues, settingsBody, type FormValue, type SettingField, type SettingsCatalogue } from './settingsForm'

interface Props {
  catalogue: SettingsCatalogue
  fields: SettingField[]
  /** The settings as stored. */
  settings: Record<string, unknown>
  /** "settings." for a channel's settings, "" for a skill's fields. */
  prefix: string
  /** What each kind of reference may name: the calendars that exist. */
  names: Record<string, string[]>
  /** Saves the settings; an error thrown is shown under the form. */
  onSave: (settings: Record<string, unknown>) => Promise<void>
  label: string
  /** Fields drawn before the settings (a skill's name), and the save button's text. */
  children?: ReactNode
  saveText?: string
}

export function SettingsForm({ catalogue, fields, settings, prefix, names, onSave, label, children, saveText }: Props) {
  const t = useT()
  const initial = useMemo(() => formValues(fields, settings), [fields, settings])
  const [values, setValues] = useState<Record<string, FormValue>>(initial)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)

  const set = (f: SettingField, v: FormValue) => {
    setValues({ ...values, [f.name]: v })
    const err = checkField(f, v, catalogue, prefix, names[f.refers ?? ''] ?? [])
    setErrors((e) => {
      const next = { ...e }
      if (err) next[f.name] = err
      else delete next[f.name]
      return next
    })
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const body = settingsBody(fields, values, catalogue, prefix, Object.values(names).flat())
    setErrors(body.errors)
    if (Object.keys(body.errors).length > 0) return
    setSaving(true)
    try {
      await onSave(body.settings)
    } finally {
      setSaving(false)
    }
  }

  return (
    <form className="stacked settings-form" aria-label={label} onSubmit={(e) => void submit(e)}>
      {children}
      {fields.map((f) => (
        <SettingInput key={f.name} field={f} value={values[f.name]} error={errors[f.name]} names={names[f.refers ?? ''] ?? []} onChange={(v) => set(f, v)} />
      ))}
      <div className="actions">
        <button type="submit" className="primary" disabled={saving || Object.keys(errors).length > 0}>
          {saveText ?? t('settings.save')}
        </button>
      </div>
    </form>
  )
}

function SettingInput({ field, value, error, names, onChange }: { field: SettingField; value: FormValue | undefined; error?: string; names: string[]; onChange: (v: FormValue) => void }) {
  const t = useT()
  const intl = useIntl()
  const f = { ...field, label: settingLabel(intl.messages, t, field.name, field.label) }
  const help = <small className="muted">{f.help}</small>
  const problem = error ? (
    <small className="field-error" role="alert">
      {error}
    </small>
  ) : null
  switch (f.widget) {
    case 'bool':
      return (
        <label className="check" title={f.help}>
          <input type="checkbox" aria-label={f.label} checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {f.label}
          {problem}
        </label>
      )
    case 'enum':
    case 'reference': {
      const options = f.widget === 'enum' ? (f.options ?? []) : names
      return (
        <label>
          {f.label}
          <select aria-label={f.label} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)}>
            <option value="">{f.placeholder ? t('settings.default', { value: f.placeholder }) : t('common.none')}</option>
            {options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
          {help}
          {problem}
        </label>
      )
    }
    case 'enum-set': {
      const chosen = Array.isArray(value) ? value : []
      return (
        <fieldset className="setting-set">
          <legend>{f.label}</legend>
          {(f.options ?? []).map((o) => (
            <label key={o} className="check">
              <input
                type="checkbox"
                aria-label={`${f.label}: ${o}`}
                checked={chosen.includes(o)}
                onChange={(e) => onChange(e.target.checked ? [...chosen, o] : chosen.filter((c) => c !== o))}
              />{' '}
              {o}
            </label>
          ))}
          {help}
          {problem}
        </fieldset>
      )
    }
  }
  return (
    <label>
      {f.label}
      <input
        aria-label={f.label}
        inputMode={f.widget === 'int' ? 'numeric' : f.widget === 'number' ? 'decimal' : undefined}
        value={typeof value === 'string' ? value : ''}
        placeholder={f.placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
      {help}
      {problem}
    </label>
  )
}
