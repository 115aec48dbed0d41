// Loads an API resource for a page, with its error and a way to load it again; and changes it,
// keeping the error of the last change to show.

import { useCallback, useEffect, useState } from 'react'
import { api, errorText } from './client'

export function useApi<T>(path: string | null): {
  data: T | null
  error: string | null
  loading: boolean
  reload: () => Promise<void>
} {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(path !== null)
  const reload = useCallback(async () => {
    if (path === null) return
    setLoading(true)
    try {
      setData(await api<T>(path))
      setError(null)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setLoading(false)
    }
  }, [path])
  useEffect(() => {
    void reload()
  }, [reload])
  return { data, error, loading, reload }
}

/**
 * useChange runs a page's changes: each one, then reload. It answers whether the change
 * succeeded; when it failed, message says why until the next change.
 */
export function useChange(reload: () => Promise<void>): {
  message: string | null
  change: (fn: () => Promise<unknown>) => Promise<boolean>
} {
  const [message, setMessage] = useState<string | null>(null)
  const change = useCallback(
    async (fn: () => Promise<unknown>) => {
      setMessage(null)
      try {
        await fn()
        await reload()
        return true
      } catch (err) {
        setMessage(errorText(err))
        return false
      }
    },
    [reload],
  )
  return { message, change }
}
