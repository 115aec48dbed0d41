// The switchboard server of this worker: global-setup.ts starts one per worker, so that the
// files running at once never share a database, and the files of one worker take it in turns.

import { inject } from 'vitest'

/** This worker's server, or null when the browser tests cannot run here. */
export function switchboard(): { url: string; token: string } | null {
  const all = inject('switchboards')
  if (!all) return null
  const id = Number(process.env.VITEST_POOL_ID ?? '1')
  return all[(id - 1) % all.length]
}
