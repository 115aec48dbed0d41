// The inspector: the selected block's id, parameters (a form generated from its spec) and
// exits; or, with nothing selected, the flow's name, description and variables. Problems the
// server found show at the fields they name.

import { useDeferredValue, useEffect, useMemo, useState, type ReactNode } from 'react'
import { stringify, parse } from 'yaml'
import { exitsOf, type Catalogue } from '../catalogue/catalogue'
import type { Diagnostic } from '../api/types'
import { EditError, useDoc, useModel } from '../document/store'
import { pointerHeld, whenReleased } from '../document/idle'
import { flowVariables, flowZones, type Block, type FlowModel } from '../document/model'
import type { ParamPath } from '../document/flowText'
import { FieldView } from './FieldView'
import { formFor, type Suggest } from './form'
import { FormCtx, countries, timeZones, type FormContext } from './context'
import { Problems } from './fields/Problems'
import { fieldPath } from '../problems/paths'
import { useT } from '../i18n/I18n'

export interface InspectorProps {
  catalogue: Catalogue
  readOnly: boolean
  /** Names known to the server, for suggestions: skills, flows, switches, calendars. */
  known: Partial<Record<Suggest, string[]>>
  /** Adds a sticky note in view, open for writing. */
  onAddNote: () => void
}

export function Inspector({ catalogue, readOnly, known, onAddNote }: InspectorProps) {
  // the selection is deferred, so that grabbing a block to drag it does not wait for its form,
  // and it waits for the pointer's release: each frame of a drag would interrupt the form's
  // deferred render and start it again; the model is not: the fields show what was just typed
  const t = useT()
  const model = useModel()
  const selection = useDeferredValue(useReleased(useDoc((s) => s.selection)))
  const diagnostics = useDoc((s) => s.diagnostics)
  const blocks = selection.filter((id) => model.byId.has(id))
  if (blocks.length > 1) {
    return (
      <div className="inspector">
        <h2>{t('inspector.selected', { count: blocks.length })}</h2>
        <p className="muted">{t('inspector.selectedHint')}</p>
        <button type="button" className="danger" disabled={readOnly} onClick={() => useDoc.getState().deleteItems({ blocks })}>
          {t('inspector.deleteBlocks', { count: blocks.length })}
        </button>
      </div>
    )
  }
  if (blocks.length === 1) {
    const block = model.byId.get(blocks[0])!
    return <BlockInspector key={block.id} block={block} model={model} catalogue={catalogue} diagnostics={diagnostics} readOnly={readOnly} known={known} />
  }
  return <FlowInspector model={model} diagnostics={diagnostics} readOnly={readOnly} onAddNote={onAddNote} />
}

/** The value as it was when no pointer was held down: a change made while a pointer is held
 * (grabbing a block selects it) shows once it is released. */
function useReleased<T>(value: T): T {
  const [released, setReleased] = useState(value)
  const waiting = released !== value
  useEffect(() => {
    if (!waiting) return
    return whenReleased(() => setReleased(value))
  }, [value, waiting])
  return waiting && pointerHeld() ? released : value
}

function BlockInspector({
  block,
  model,
  catalogue,
  diagnostics,
  readOnly,
  known,
}: {
  block: Block
  model: FlowModel
  catalogue: Catalogue
  diagnostics: Diagnostic[]
  readOnly: boolean
  known: Partial<Record<Suggest, string[]>>
}) {
  const t = useT()
  const info = catalogue.blocks.find((b) => b.type === block.type)
  const form = useMemo(() => (info ? formFor(info) : []), [info])
  const prefix = `blocks.${block.id}`
  const mine = useMemo(
    () =>
      diagnostics
        .filter((d) => d.path === prefix || d.path.startsWith(`${prefix}.`))
        .map((d) => ({ ...d, path: fieldPath(d) })),
    [diagnostics, prefix],
  )
  const variables = useMemo(() => flowVariables(model), [model])
  const ctx: FormContext = useMemo(
    () => ({
      set: (path: ParamPath, value: unknown) => useDoc.getState().setParam(block.id, path, value),
      move: (path: ParamPath, from: number, to: number) => useDoc.getState().moveParamItem(block.id, path, from, to),
      problemsAt: (p: string) => mine.filter((d) => d.path === `${prefix}.params.${p}`),
      problemsUnder: (p: string) =>
        mine.filter((d) => d.path === `${prefix}.params.${p}` || d.path.startsWith(`${prefix}.params.${p}.`) || d.path.startsWith(`${prefix}.params.${p}[`)),
      environment: catalogue.environment,
      functions: catalogue.functions,
      variables,
      suggestions: (kind: Suggest) => {
        if (kind === 'timezone') {
          // the zones the flow uses already come first
          const used = flowZones(model)
          return [...used, ...timeZones().filter((z) => !used.includes(z))]
        }
        if (kind === 'country') return countries()
        if (kind === 'variable') return variables
        return known[kind] ?? []
      },
      readOnly,
    }),
    [block.id, mine, prefix, catalogue, variables, known, readOnly, model],
  )
  const exits = exitsOf(info, block.params)
  const wiredUnknown = Object.keys(block.next).filter((e) => !exits.includes(e))
  const specParams = new Set(info?.params.map((p) => p.name))
  const unknownParams = Object.keys(block.params).filter((k) => !specParams.has(k))
  // problems of the block that no field shows: its type, id, unknown parameters, and so on
  const shownAtFields = (d: Diagnostic) =>
    info?.params.some((p) => d.path === `${prefix}.params.${p.name}` || d.path.startsWith(`${prefix}.params.${p.name}.`) || d.path.startsWith(`${prefix}.params.${p.name}[`)) ||
    d.path.startsWith(`${prefix}.next.`)
  return (
    <div className="inspector" data-block={block.id}>
      <BlockIdEditor id={block.id} readOnly={readOnly} />
      <div className="block-kind">
        <strong>{info?.title ?? block.type}</strong> <code>{block.type}</code>
      </div>
      {info ? <p className="description">{info.description}</p> : <p className="error">{t('inspector.noType', { type: block.type })}</p>}
      <Problems list={mine.filter((d) => !shownAtFields(d))} />
      <FormCtx.Provider value={ctx}>
        <Section title={t('inspector.parameters')}>
          {form.length === 0 && <p className="muted">{t('inspector.noParameters')}</p>}
          {form.map((f) => (
            <FieldView key={f.name} field={f} value={block.params[f.name]} path={[f.name]} />
          ))}
          {unknownParams.map((k) => (
            <div className="field invalid" key={k}>
              <span className="field-label">{k}</span>
              <span className="muted">{t('inspector.notAParameter', { type: block.type })}</span>
              <button type="button" className="link" disabled={readOnly} onClick={() => ctx.set([k], undefined)}>
                {t('inspector.remove')}
              </button>
            </div>
          ))}
        </Section>
      </FormCtx.Provider>
      <Section title={t('inspector.exits')}>
        {exits.length === 0 && wiredUnknown.length === 0 && <p className="muted">{info?.ends ? t('inspector.endsSession') : t('inspector.noExits')}</p>}
        <table className="exits-table">
          <tbody>
            {[...exits, ...wiredUnknown].map((e) => (
              <tr key={e} className={wiredUnknown.includes(e) ? 'unknown-exit' : undefined}>
                <th scope="row">{e}</th>
                <td>
                  <select
                    aria-label={t('inspector.wireOf', { exit: e })}
                    value={block.next[e] ?? ''}
                    disabled={readOnly}
                    onChange={(ev) =>
                      ev.target.value ? useDoc.getState().connect(block.id, e, ev.target.value) : useDoc.getState().disconnect(block.id, e)
                    }
                  >
                    <option value="">{t('inspector.endsHere')}</option>
                    {model.blocks.map((b) => (
                      <option key={b.id} value={b.id}>
                        {b.id}
                      </option>
                    ))}
                    {block.next[e] && !model.byId.has(block.next[e]) && <option value={block.next[e]}>{t('inspector.missing', { id: block.next[e] })}</option>}
                  </select>
                  <Problems list={mine.filter((d) => d.path === `${prefix}.next.${e}`)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <button type="button" className="danger" disabled={readOnly} onClick={() => useDoc.getState().deleteItems({ blocks: [block.id] })}>
        {t('inspector.deleteBlock')}
      </button>
    </div>
  )
}

function BlockIdEditor({ id, readOnly }: { id: string; readOnly: boolean }) {
  const t = useT()
  const [draft, setDraft] = useState(id)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => setDraft(id), [id])
  const commit = () => {
    const to = draft.trim()
    if (to === id) return setError(null)
    try {
      useDoc.getState().renameBlock(id, to)
      setError(null)
    } catch (e) {
      setError(e instanceof EditError ? e.message : String(e))
    }
  }
  return (
    <div className="block-id-editor">
      <label>
        {t('inspector.blockId')}
        <input
          type="text"
          aria-label={t('inspector.blockId')}
          value={draft}
          disabled={readOnly}
          spellCheck={false}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit()
            if (e.key === 'Escape') setDraft(id)
          }}
        />
      </label>
      {error && <div className="field-error">{error}</div>}
    </div>
  )
}

function FlowInspector({ model, diagnostics, readOnly, onAddNote }: { model: FlowModel; diagnostics: Diagnostic[]; readOnly: boolean; onAddNote: () => void }) {
  const t = useT()
  const flowProblems = diagnostics.filter((d) => !d.path.startsWith('blocks.') || d.path === 'blocks')
  return (
    <div className="inspector">
      <h2>{t('inspector.flow')}</h2>
      <p className="muted">{t('inspector.flowHint')}</p>
      <div className="field">
        <span className="field-label">{t('common.id')}</span>
        <code>{model.id}</code>
      </div>
      <TextSetting label={t('common.name')} value={model.name} readOnly={readOnly} onChange={(v) => useDoc.getState().setFlowField('name', v)} />
      <TextSetting
        label={t('inspector.description')}
        value={model.description}
        readOnly={readOnly}
        multiline
        onChange={(v) => useDoc.getState().setFlowField('description', v)}
      />
      <VarsEditor vars={model.vars} readOnly={readOnly} />
      <Problems list={flowProblems} />
      <Section title={t('inspector.notes')}>
        <button
          type="button"
          disabled={readOnly}
          onClick={onAddNote}
        >
          {t('inspector.addNote')}
        </button>
      </Section>
    </div>
  )
}

function TextSetting(props: { label: string; value: string; readOnly: boolean; multiline?: boolean; onChange: (v: string) => void }) {
  const common = {
    'aria-label': props.label,
    value: props.value,
    disabled: props.readOnly,
    onChange: (e: { target: { value: string } }) => props.onChange(e.target.value),
  }
  return (
    <div className="field">
      <label className="field-label">
        {props.label}
        {props.multiline ? <textarea rows={2} {...common} /> : <input type="text" {...common} />}
      </label>
    </div>
  )
}

/** The flow's variables, as YAML: names and initial values. */
function VarsEditor({ vars, readOnly }: { vars: Record<string, unknown>; readOnly: boolean }) {
  const t = useT()
  const shown = Object.keys(vars).length ? stringify(vars).trimEnd() : ''
  const [draft, setDraft] = useState(shown)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => setDraft(shown), [shown])
  return (
    <div className="field">
      <label className="field-label">
        {t('inspector.variables')}
        <textarea
          aria-label={t('inspector.variables')}
          rows={Math.max(2, draft.split('\n').length)}
          value={draft}
          placeholder={'brand: Acme\npriority: 1'}
          disabled={readOnly}
          spellCheck={false}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => {
            try {
              const v = draft.trim() === '' ? {} : (parse(draft) as unknown)
              if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(t('inspector.variablesError'))
              useDoc.getState().setVars(v as Record<string, unknown>)
              setError(null)
            } catch (e) {
              setError(e instanceof Error ? e.message.split('\n')[0] : String(e))
            }
          }}
        />
      </label>
      <div className="field-help">{t('inspector.variablesHelp')}</div>
      {error && <div className="field-error">{error}</div>}
    </div>
  )
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="inspector-section">
      <h3>{title}</h3>
      {children}
    </section>
  )
}
