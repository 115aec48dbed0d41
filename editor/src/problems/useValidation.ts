// Validation while editing: the current text goes to POST /api/v1/validate as soon as an edit
// lands (edits of one moment are sent together), and the diagnostics come back to the store (on
// the blocks, the fields and the problems list). One check is under way at a time: edits made
// meanwhile are sent together when it answers, so that typing never queues requests.

import { useCallback, useEffect, useRef, useState } from 'react'
import { api, errorText } from '../api/client'
import type { Validation } from '../api/types'
import { useDoc } from '../document/store'

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
    const timer = setTimeout(() => {
      if (inFlight.current) waiting.current = text
      else void check(text)
    }, validateDelayMs)
    return () => clearTimeout(timer)
  }, [text, enabled, check])
  return { checking, error }
}
