// The open flow's life with the server: load the draft into the store, save it with If-Match
// (a conflict carries who saved meanwhile and what differs), publish it, and keep unsaved
// changes from being lost by leaving the page.

import { useCallback, useEffect, useState } from 'react'
import { parse } from 'yaml'
import { ApiError, errorText } from '../api/client'
import { fetchDraft, publishDraft, saveDraft } from '../api/flows'
import type { FlowDraft, ServerDiff } from '../api/types'
import { yamlFromData } from '../document/flowText'
import { useDoc } from '../document/store'
import { prepareDocument, primeModel } from '../document/cache'
import { whenIdle } from '../document/idle'
import { setLeaveGuard } from '../router'
import type { Conflict } from '../versions/ConflictDialog'
import { t } from '../i18n/intl'

export interface DraftState {
  loaded: boolean
  loadError: string | null
  /** What the editor is doing with the server: "Saving…", "Publishing…". */
  busy: string | null
  setBusy: (s: string | null) => void
  notice: { text: string; error?: boolean } | null
  say: (text: string, error?: boolean) => void
  dismiss: () => void
  conflict: Conflict | null
  closeConflict: () => void
  /** Increases with each version published, for the lists that show them. */
  published: number
  /** Loads a draft into the store (a JSON flow is edited as YAML). */
  open: (flow: FlowDraft) => void
  reload: () => Promise<void>
  /** Saves the draft; revision overrides the one it was read at (to overwrite after a conflict). */
  save: (revision?: number) => Promise<boolean>
  publish: (message: string) => Promise<boolean>
}

/** Whether the open flow has changes that are not saved. */
function dirtyNow(): boolean {
  const s = useDoc.getState()
  return s.saved !== null && s.text !== s.saved.text
}

export function useDraft(id: string, first: Promise<{ flow: FlowDraft }>): DraftState {
  const [loaded, setLoaded] = useState(false)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [notice, setNotice] = useState<{ text: string; error?: boolean } | null>(null)
  const [conflict, setConflict] = useState<Conflict | null>(null)
  const [published, setPublished] = useState(0)
  const say = useCallback((text: string, error = false) => setNotice({ text, error }), [])

  const open = useCallback((flow: FlowDraft) => {
    const data: unknown = flow.format === 'json' ? JSON.parse(flow.source) : flow.content
    const text = flow.format === 'json' ? yamlFromData(data) : flow.source
    // the canvas draws the flow from its content; the text is read into the document that
    // edits change when the browser is idle, or at the first edit
    if (data !== undefined) primeModel(text, data)
    useDoc.getState().load(
      { id: flow.id, format: flow.format, revision: flow.revision, text, latestVersion: flow.latest_version, updatedBy: flow.updated_by },
      text,
    )
    // a draft read unchecked has no diagnostics: the validation asks for them
    if (flow.diagnostics) useDoc.getState().setDiagnostics(text, flow.format === 'json' ? [] : flow.diagnostics)
    setLoaded(true)
  }, [])

  useEffect(() => {
    first.then(
      ({ flow }) => open(flow),
      (e: unknown) => setLoadError(errorText(e)),
    )
  }, [first, open])

  // the document is read once the flow is drawn, when the browser is idle
  const text = useDoc((s) => (loaded ? s.text : ''))
  useEffect(() => {
    if (!text) return
    return whenIdle(() => prepareDocument(text))
  }, [text])

  const reload = useCallback(async () => {
    try {
      open((await fetchDraft(id)).flow)
    } catch (e) {
      setLoadError(errorText(e))
    }
  }, [id, open])

  // unsaved changes are not lost by leaving
  useEffect(() => {
    setLeaveGuard(() => !dirtyNow() || confirm(t('editor.confirmLeave')))
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (dirtyNow()) e.preventDefault()
    }
    window.addEventListener('beforeunload', beforeUnload)
    return () => {
      setLeaveGuard(null)
      window.removeEventListener('beforeunload', beforeUnload)
    }
  }, [])

  const save = useCallback(
    async (revision?: number): Promise<boolean> => {
      const st = useDoc.getState()
      const s = st.saved
      if (!s) return false
      const text = st.text
      const source = s.format === 'json' ? JSON.stringify(parse(text), null, 2) + '\n' : text
      setBusy(t('editor.saving'))
      try {
        const f = await saveDraft(id, revision ?? s.revision, source, s.format)
        useDoc.getState().markSaved({ ...s, revision: f.revision, text, updatedBy: f.updated_by })
        setConflict(null)
        say(t('editor.saved', { revision: f.revision }))
        return true
      } catch (e) {
        if (e instanceof ApiError && e.status === 409 && e.body.current) {
          setConflict({ message: e.message, current: e.body.current as FlowDraft, differences: e.body.differences as ServerDiff | undefined })
        } else say(t('editor.notSaved', { error: errorText(e) }), true)
        return false
      } finally {
        setBusy(null)
      }
    },
    [id, say],
  )

  const publish = useCallback(
    async (message: string): Promise<boolean> => {
      if (dirtyNow() && !(await save())) return false
      const s = useDoc.getState().saved!
      setBusy(t('editor.publishing'))
      try {
        const v = await publishDraft(id, s.revision, message)
        // publishing makes a new revision of the draft
        const { flow } = await fetchDraft(id)
        useDoc.getState().markSaved({ ...s, revision: flow.revision, latestVersion: v.version, updatedBy: flow.updated_by })
        setPublished((n) => n + 1)
        say(t('editor.publishedVersion', { version: v.version }))
        return true
      } catch (e) {
        say(t('editor.notPublished', { error: errorText(e) }), true)
        return false
      } finally {
        setBusy(null)
      }
    },
    [id, save, say],
  )

  return {
    loaded,
    loadError,
    busy,
    setBusy,
    notice,
    say,
    dismiss: () => setNotice(null),
    conflict,
    closeConflict: () => setConflict(null),
    published,
    open,
    reload,
    save,
    publish,
  }
}
