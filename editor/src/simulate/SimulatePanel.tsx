// Simulate: send an interaction through the draft as it is on screen (saved or not), at a
// chosen time, with agents and emergency switches; or replay a stored interaction. The path
// lights up on the canvas and the TracePanel lists the steps.

import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { api, errorText, ApiError } from '../api/client'
import type { Agent, Conversation, EmergencySwitch, Outcome, Transcript } from '../api/types'
import { useDoc, useModel } from '../document/store'
import { TracePanel } from './TracePanel'
import { useIntl } from 'react-intl'
import { useT } from '../i18n/I18n'
import { agentStateLabel } from '../i18n/labels'
import { flowZones } from '../document/model'
import { flowSwitches, formTime, localOffset, simulationRequest, triggerChannels, zoneOffset, type SimForm } from './scenario'

function today(): { date: string; time: string; offset: string } {
  const d = new Date()
  const p = (n: number) => String(n).padStart(2, '0')
  return { date: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`, time: `${p(d.getHours())}:${p(d.getMinutes())}`, offset: localOffset(d) }
}

export function SimulatePanel({ flowId }: { flowId: string }) {
  const t = useT()
  const model = useModel()
  const types = useDoc((s) => s.types)
  const trace = useDoc((s) => s.trace)
  const channels = useMemo(() => triggerChannels(model, types), [model, types])
  const switches = useMemo(() => flowSwitches(model), [model])
  const zones = useMemo(() => flowZones(model), [model])
  const [form, setForm] = useState<SimForm>(() => ({
    // the flow's own zone when its blocks name one: opening hours are read there
    zone: zones[0] ?? '',
    channel: '',
    kind: '',
    text: '',
    authorName: 'Ana',
    authorId: 'customer-1',
    handle: '',
    ...today(),
    contactName: '',
    vip: false,
    agents: [],
    emergency: {},
  }))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [stored, setStored] = useState<Record<string, boolean>>({})

  // the stored switches are the defaults of the simulation's
  useEffect(() => {
    api<EmergencySwitch[]>('/emergency')
      .then((list) => setStored(Object.fromEntries(list.map((s) => [s.name, s.on]))))
      .catch(() => undefined)
  }, [])

  const channel = form.channel || channels[0]?.channel || ''
  const kinds = channels.find((c) => c.channel === channel)?.kinds ?? ['message']
  const kind = kinds.includes(form.kind) ? form.kind : kinds[0]
  const allSwitches = [...new Set([...switches, ...Object.keys(stored)])].sort()
  const set = (patch: Partial<SimForm>) => setForm((f) => ({ ...f, ...patch }))

  const run = async (body: Record<string, unknown>) => {
    setBusy(true)
    setError(null)
    try {
      const out = await api<Outcome>(`/flows/${encodeURIComponent(flowId)}/simulate`, { method: 'POST', body })
      useDoc.getState().setTrace(out)
    } catch (e) {
      useDoc.getState().setTrace(null)
      if (e instanceof ApiError && Array.isArray(e.body.diagnostics)) {
        setError(`${e.message}: ${(e.body.diagnostics as { message: string }[]).filter((d) => d).slice(0, 3).map((d) => d.message).join('; ')}`)
      } else setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const time = formTime(form)
    if (time.error) return setError(time.error)
    const emergency = Object.fromEntries(allSwitches.map((s) => [s, form.emergency[s] ?? stored[s] ?? false]))
    void run(simulationRequest({ ...form, channel, kind, emergency }, useDoc.getState().text))
  }

  const loadAgents = async () => {
    try {
      const list = await api<Agent[]>('/agents')
      set({
        agents: list.map((a) => ({
          id: a.id,
          skills: Object.entries(a.skills ?? {})
            .map(([k, v]) => `${k}:${v}`)
            .join(', '),
          state: 'available',
        })),
      })
    } catch (e) {
      setError(errorText(e))
    }
  }

  return (
    <div className="simulate">
      <form onSubmit={submit} className="sim-form" aria-label={t('simulate.label')}>
        <div className="grid2">
          <label>
            {t('simulate.channel')}
            <select aria-label={t('simulate.channel')} value={channel} onChange={(e) => set({ channel: e.target.value })}>
              {channels.length === 0 && <option value="">{t('simulate.noTrigger')}</option>}
              {channels.map((c) => (
                <option key={c.channel}>{c.channel}</option>
              ))}
            </select>
          </label>
          <label>
            {t('simulate.kind')}
            <select aria-label={t('simulate.kind')} value={kind} onChange={(e) => set({ kind: e.target.value })}>
              {kinds.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
        </div>
        <label>
          {t('simulate.message')}
          <textarea aria-label={t('simulate.message')} rows={2} value={form.text} placeholder={t('simulate.messagePlaceholder')} onChange={(e) => set({ text: e.target.value })} />
        </label>
        <div className="grid2">
          <label>
            {t('simulate.author')}
            <input aria-label={t('simulate.authorName')} value={form.authorName} onChange={(e) => set({ authorName: e.target.value })} />
          </label>
          <label>
            {t('simulate.authorId')}
            <input aria-label={t('simulate.authorId')} value={form.authorId} onChange={(e) => set({ authorId: e.target.value })} />
          </label>
        </div>
        <div className="grid2">
          <label>
            {t('simulate.date')}
            <input type="date" aria-label={t('simulate.date')} value={form.date} onChange={(e) => set({ date: e.target.value })} />
          </label>
          <label>
            {t('simulate.time')}
            <input type="time" aria-label={t('simulate.time')} value={form.time} onChange={(e) => set({ time: e.target.value })} />
          </label>
        </div>
        <div className="grid2">
          <label>
            {t('simulate.zone')}
            <select aria-label={t('simulate.zone')} value={form.zone} onChange={(e) => set({ zone: e.target.value })}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
              {form.zone && !zones.includes(form.zone) && <option value={form.zone}>{form.zone}</option>}
              <option value="">{t('simulate.zoneOffset')}</option>
            </select>
          </label>
          {form.zone ? (
            <p className="zone-offset" data-testid="zone-offset">
              {zoneOffset(form.zone, form.date, form.time) === null
                ? t('simulate.badZone', { zone: form.zone })
                : t('simulate.zoneAt', { offset: zoneOffset(form.zone, form.date, form.time), date: form.date })}
            </p>
          ) : (
            <label>
              {t('simulate.offset')}
              <input aria-label={t('simulate.offset')} value={form.offset} placeholder="-03:00" onChange={(e) => set({ offset: e.target.value })} />
            </label>
          )}
        </div>
        <label className="check">
          <input type="checkbox" checked={form.vip} onChange={(e) => set({ vip: e.target.checked })} /> {t('simulate.vip')}
        </label>
        <fieldset>
          <legend>
            {t('simulate.agents')}{' '}
            <button type="button" className="link small" onClick={() => void loadAgents()}>
              {t('simulate.loadAgents')}
            </button>
          </legend>
          {form.agents.map((a, i) => (
            <div className="row" key={i}>
              <input aria-label={t('simulate.agentId', { n: i + 1 })} placeholder={t('common.id')} value={a.id} onChange={(e) => set({ agents: form.agents.map((x, j) => (j === i ? { ...x, id: e.target.value } : x)) })} />
              <input
                aria-label={t('simulate.agentSkills', { n: i + 1 })}
                placeholder={t('simulate.skillsPlaceholder')}
                value={a.skills}
                onChange={(e) => set({ agents: form.agents.map((x, j) => (j === i ? { ...x, skills: e.target.value } : x)) })}
              />
              <select aria-label={t('simulate.agentState', { n: i + 1 })} value={a.state} onChange={(e) => set({ agents: form.agents.map((x, j) => (j === i ? { ...x, state: e.target.value } : x)) })}>
                {['available', 'busy', 'break', 'offline'].map((s) => (
                  <option key={s} value={s}>
                    {agentStateLabel(t, s)}
                  </option>
                ))}
              </select>
              <button type="button" className="icon" aria-label={t('simulate.removeAgent', { n: i + 1 })} onClick={() => set({ agents: form.agents.filter((_, j) => j !== i) })}>
                ×
              </button>
            </div>
          ))}
          <button type="button" className="add" onClick={() => set({ agents: [...form.agents, { id: `a${form.agents.length + 1}`, skills: '', state: 'available' }] })}>
            {t('simulate.addAgent')}
          </button>
        </fieldset>
        {allSwitches.length > 0 && (
          <fieldset>
            <legend>{t('emergency.title')}</legend>
            {allSwitches.map((s) => (
              <label key={s} className="check">
                <input
                  type="checkbox"
                  aria-label={t('emergency.switchLabel', { name: s })}
                  checked={form.emergency[s] ?? stored[s] ?? false}
                  onChange={(e) => set({ emergency: { ...form.emergency, [s]: e.target.checked } })}
                />
                {s} {s in stored ? <span className="muted">{t('simulate.stored', { on: stored[s] })}</span> : null}
              </label>
            ))}
          </fieldset>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('simulate.running') : t('simulate.run')}
          </button>
          {trace && (
            <button type="button" onClick={() => useDoc.getState().setTrace(null)}>
              {t('simulate.clear')}
            </button>
          )}
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
      <Replay onReplay={(id) => void run({ source: useDoc.getState().text, format: 'yaml', interaction_id: id })} busy={busy} />
      {trace && <TracePanel outcome={trace} />}
    </div>
  )
}

/** Replay a stored interaction: pick a recent conversation, then one of the customer's messages. */
function Replay({ onReplay, busy }: { onReplay: (interactionId: number) => void; busy: boolean }) {
  const t = useT()
  const intl = useIntl()
  const when = (at: string) => intl.formatDate(new Date(at), { dateStyle: 'short', timeStyle: 'short' })
  const [open, setOpen] = useState(false)
  const [list, setList] = useState<Conversation[] | null>(null)
  const [transcript, setTranscript] = useState<Transcript | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (!open || list) return
    api<Conversation[]>('/conversations?limit=25')
      .then(setList)
      .catch((e) => setError(errorText(e)))
  }, [open, list])
  return (
    <details className="replay" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>{t('replay.title')}</summary>
      {error && <p className="error">{error}</p>}
      {list && list.length === 0 && <p className="muted">{t('replay.empty')}</p>}
      {list && list.length > 0 && (
        <select
          aria-label={t('replay.conversation')}
          defaultValue=""
          onChange={(e) => {
            setTranscript(null)
            if (e.target.value)
              api<Transcript>(`/conversations/${encodeURIComponent(e.target.value)}`)
                .then(setTranscript)
                .catch((err) => setError(errorText(err)))
          }}
        >
          <option value="">{t('replay.pick')}</option>
          {list.map((c) => (
            <option key={c.id} value={c.id}>
              {when(c.opened_at)} — {c.channel_id} — {c.customer} ({c.status})
            </option>
          ))}
        </select>
      )}
      {transcript && (
        <ul className="transcript">
          {transcript.interactions
            .filter((i) => i.direction === 'inbound')
            .map((i) => (
              <li key={i.id}>
                <span className="muted">{when(i.at)}</span> {i.author.name || i.author.id}: “{i.text}”{' '}
                <button type="button" disabled={busy} onClick={() => onReplay(i.id)}>
                  {t('replay.replay')}
                </button>
              </li>
            ))}
        </ul>
      )}
    </details>
  )
}
