// The conversations of manual skills the agent may claim: loaded once, then kept by the agent's
// event stream (`claimable` when one appears, `claimable_gone` when it is no longer theirs).

import { api } from '../api/client'
import type { AgentEvent, QueueEntry } from './types'

export const loadClaimable = () => api<QueueEntry[]>('/agent/claimable')
export const claim = (ref: string) => api(`/agent/claimable/${encodeURIComponent(ref)}/claim`, { method: 'POST' })

/** What an event does to the list: a new list, 'load' to read it again, or null for nothing. */
export function applyClaimEvent(list: QueueEntry[], ev: AgentEvent): QueueEntry[] | 'load' | null {
  if (ev.type === 'claimable_gone') {
    const kept = list.filter((e) => e.ref !== ev.ref)
    return kept.length === list.length ? null : kept
  }
  if (ev.type === 'claimable') return list.some((e) => e.ref === ev.ref) ? null : 'load'
  return null
}
