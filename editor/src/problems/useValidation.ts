// Validation while editing: the current text goes to POST /api/v1/validate a moment after the
// last change, and the diagnostics come back to the store (on the blocks, the fields and the
// problems list).

import { useEffect, useState } from 'react'
import { api, errorText } from '../api/client'
import type { Validation } from '../api/types'
import { useDoc } from '../document/store'

/** How long typing must pause before the text is checked. */
export const validateDelayMs = 350

export function useValidation(enabled: boolean): { checking: boolean; error: string | null } {
  const text = useDoc((s) => s.text)
  const [checking, setChecking] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (!enabled || text === '') return
    const ctl = new AbortController()
    setChecking(true)
    const timer = setTimeout(async () => {
      try {
        const v = await api<Validation>('/validate', {
          method: 'POST',
          body: { source: text, format: 'yaml' },
          signal: ctl.signal,
        })
        useDoc.getState().setDiagnostics(text, v.diagnostics)
        setError(null)
      } catch (e) {
        if (!ctl.signal.aborted) setError(errorText(e))
      } finally {
        if (!ctl.signal.aborted) setChecking(false)
      }
    }, validateDelayMs)
    return () => {
      clearTimeout(timer)
      ctl.abort()
    }
  }, [text, enabled])
  return { checking, error }
}
