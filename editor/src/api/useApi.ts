// Loads an API resource for a page, with its error and a way to load it again.

import { useCallback, useEffect, useState } from 'react'
import { api } from './client'

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
