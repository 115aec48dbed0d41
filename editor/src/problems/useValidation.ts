// Validation while editing: the current text goes to POST /api/v1/validate as soon as an edit
// lands (edits of one moment are sent together), and the diagnostics come back to the store (on
// the blocks, the fields and the problems list). One check is under way at a time: edits made
// meanwhile are sent together when it answers, so that typing never queues requests. On a large
// flow, whose full check takes the server a while, a parameter's edit is also checked at once
// on its block alone, and the problems of that block's parameters show until the full check
// answers. The full check's answer is shown once no drag or pan is under way.

import { useCallback, useEffect, useRef, useState } from 'react'
import { api, errorText } from '../api/client'
import type { Validation } from '../api/types'
import { useDoc } from '../document/store'
import { modelOf } from '../document/cache'
import { whenReleased } from '../document/idle'
import { stringify } from 'yaml'
import type { Diagnostic } from '../api/types'

/** Flows with more blocks have a parameter's edit checked on its block alone first. */
export const quickCheckMin = 200

/** Checks the block whose parameter was just edited, alone in a flow of its own (with the flow's
 * variables), and gives the store the problems of its parameters, placed on the block's line. */
async function quickCheck(text: string, id: string): Promise<void> {
  const model = modelOf(text)
  const block = model.byId.get(id)
  if (!block) return
  const source = stringify({ switchboard: 1, id: 'quick-check', vars: model.vars, blocks: { [id]: { type: block.type, params: block.params } } })
  const v = await api<Validation>('/validate', { method: 'POST', body: { source, format: 'yaml' } })
  const at = text.indexOf(`\n  ${id}:`)
  const line = at < 0 ? 1 : text.slice(0, at + 1).split('\n').length
  const placed: Diagnostic[] = v.diagnostics.map((d) => ({ ...d, file: 'draft.yaml', line, column: 3 }))
  useDoc.getState().setParamDiagnostics(text, id, placed)
}

/** How long the edits of one moment are gathered before the text is checked. */
export const validateDelayMs = 30

export function useValidation(enabled: boolean): { checking: boolean; error: string | null } {
  const text = useDoc((s) => s.text)
  const [checking, setChecking] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const inFlight = useRef(false)
  const waiting = useRef<string | null>(null)
  const alive = useRef(true)

  const check = useCallback(async (source: string) => {
    inFlight.current = true
    setChecking(true)
    try {
      const v = await api<Validation>('/validate', { method: 'POST', body: { source, format: 'yaml' } })
      // the answer is shown once a drag or pan under way ends: redrawing the blocks beside it
      // would slow its frames
      await new Promise<void>((resolve) => whenReleased(resolve))
      if (!alive.current) return
      useDoc.getState().setDiagnostics(source, v.diagnostics)
      setError(null)
    } catch (e) {
      if (alive.current) setError(errorText(e))
    } finally {
      inFlight.current = false
      const next = waiting.current
      waiting.current = null
      if (alive.current && next !== null && next !== source) void check(next)
      else if (alive.current) setChecking(false)
    }
  }, [])

  useEffect(() => {
    alive.current = true
    return () => {
      alive.current = false
    }
  }, [])

  useEffect(() => {
    if (!enabled || text === '' || useDoc.getState().validatedText === text) return
    const edited = /^param:(.+?):/.exec(useDoc.getState().lastEdit?.key ?? '')
    // the full check of a large flow is sent once the quick check of the edited block has
    // answered: sent beside it, it would keep the server (and, on one machine, the browser)
    // busy while the edit's problem is on its way
    const quick = edited && modelOf(text).blocks.length > quickCheckMin ? quickCheck(text, edited[1]).catch(() => undefined) : Promise.resolve()
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    void quick.then(() => {
      if (!live) return
      timer = setTimeout(() => {
        if (inFlight.current) waiting.current = text
        else void check(text)
      }, validateDelayMs)
    })
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [text, enabled, check])
  return { checking, error }
}
