// Calls of the agent API the workspace makes. The inbox endpoint is newer than the rest: a server
// without it answers 404, and the inbox is then made from GET /agent's queue entries.

import { ApiError, api, getToken } from '../api/client'
import type { CannedResponse, Conversation, Desk, InboxItem, QueueEntry } from './types'

const enc = encodeURIComponent

/** An inbox item made from a queue entry, for a server without GET /agent/conversations. */
function fromEntry(e: QueueEntry): InboxItem {
  return {
    id: e.conversation_id,
    channel: e.channel_id,
    channel_type: e.channel_type,
    skill: e.skill,
    status: e.status,
    customer: { id: '', name: '' },
    first: null,
    last_customer_at: e.enqueued_at,
    unread: 0,
    important: false,
    sla_due_at: null,
    assigned_at: e.assigned_at,
    offer: e.status === 'offered' && e.offer_expires_at ? { ref: e.ref, expires_at: e.offer_expires_at } : undefined,
  }
}

export async function loadDesk(): Promise<Desk> {
  return api<Desk>('/agent')
}

/** The agent's inbox (assigned and offered conversations). */
export async function loadInbox(desk: Desk): Promise<InboxItem[]> {
  try {
    const r = await api<{ conversations: InboxItem[] }>('/agent/conversations')
    return r.conversations
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return [...desk.offers, ...desk.conversations].map(fromEntry)
    throw e
  }
}

export const loadConversation = (id: string) => api<Conversation>(`/agent/conversations/${enc(id)}`)

export const setState = (state: string, reason = '') => api('/agent/state', { method: 'PUT', body: { state, reason } })

export const acceptOffer = (ref: string) => api(`/agent/offers/${enc(ref)}/accept`, { method: 'POST' })
export const rejectOffer = (ref: string) => api(`/agent/offers/${enc(ref)}/reject`, { method: 'POST' })

/** Marks the conversation read; a server without read marks is fine. */
export async function markRead(id: string): Promise<void> {
  try {
    await api(`/agent/conversations/${enc(id)}/read`, { method: 'POST' })
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e
  }
}

export const setImportant = (id: string, important: boolean) =>
  api(`/agent/conversations/${enc(id)}/important`, { method: 'PUT', body: { important } })

export interface ReplyBody {
  text: string
  visibility: 'same' | 'public' | 'private'
  reply_to?: number
  attachments?: string[]
}

export const reply = (id: string, body: ReplyBody) =>
  api(`/agent/conversations/${enc(id)}/reply`, { method: 'POST', body })

export const retry = (id: string, item: number) => api(`/agent/conversations/${enc(id)}/retry/${item}`, { method: 'POST' })

export const act = (id: string, action: string, interaction: number) =>
  api(`/agent/conversations/${enc(id)}/actions`, { method: 'POST', body: { action, interaction } })

export const transfer = (id: string, to: { skill: string } | { agent: string }) =>
  api(`/agent/conversations/${enc(id)}/transfer`, { method: 'POST', body: to })

export const closeConversation = (id: string, disposition: string) =>
  api(`/agent/conversations/${enc(id)}/close`, { method: 'POST', body: { disposition } })

export const linkContact = (id: string, contact: string) =>
  api(`/agent/conversations/${enc(id)}/contact`, { method: 'PUT', body: { contact_id: contact } })

export const searchCanned = (id: string, q: string) =>
  api<{ responses: CannedResponse[] } | CannedResponse[]>(`/agent/conversations/${enc(id)}/canned?q=${enc(q)}`).then((r) =>
    Array.isArray(r) ? r : r.responses,
  )

/** Uploads a file for a reply; the server's file id. */
export async function uploadFile(id: string, file: File): Promise<{ id: string; name: string; type: string; size: number }> {
  const form = new FormData()
  form.append('file', file)
  const res = await fetch(`/api/v1/agent/conversations/${enc(id)}/files`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${getToken() ?? ''}` },
    body: form,
  })
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>
  if (!res.ok) {
    const e = (data.error ?? {}) as { code?: string; message?: string; field?: string }
    throw new ApiError(res.status, e.code ?? 'error', e.message ?? `${res.status}`, data, e.field)
  }
  return data as { id: string; name: string; type: string; size: number }
}
