// Loads the block catalogue once per session.

import { useEffect, useState } from 'react'
import { api } from '../api/client'
import type { Catalogue } from './catalogue'

let loading: Promise<Catalogue> | null = null
let loaded: Catalogue | null = null

/** Returns the catalogue (null while it loads) and the error that stopped it loading. */
export function useCatalogue(): { catalogue: Catalogue | null; error: string | null } {
  const [state, setState] = useState<{ catalogue: Catalogue | null; error: string | null }>({
    catalogue: loaded,
    error: null,
  })
  useEffect(() => {
    if (loaded) return
    if (!loading) loading = api<Catalogue>('/blocks')
    let live = true
    loading.then(
      (c) => {
        loaded = c
        if (live) setState({ catalogue: c, error: null })
      },
      (e: unknown) => {
        loading = null
        if (live) setState({ catalogue: null, error: e instanceof Error ? e.message : String(e) })
      },
    )
    return () => {
      live = false
    }
  }, [])
  return state
}
