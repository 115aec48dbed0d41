// The agent's live events from GET /api/v1/agent/events, read with fetch (EventSource cannot send
// the Authorization header) like the statistics stream. On a reconnect it sends Last-Event-ID so
// the server replays what was missed; events already seen are dropped, and a `reset` (the gap is
// too old to replay) asks the page to load everything again.

import { request } from '../api/client'
import { parseEvents } from '../supervisor/statsStream'
import type { AgentEvent } from './types'

/** Remembers the ids of the last events seen, a bounded number of them. */
export class SeenEvents {
  private ids = new Set<string>()
  private order: string[] = []
  last: string | null = null
  private readonly limit: number

  constructor(limit = 512) {
    this.limit = limit
  }

  /** Notes an id; false when it was seen already. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false
    this.ids.add(id)
    this.order.push(id)
    if (this.order.length > this.limit) this.ids.delete(this.order.shift()!)
    this.last = id
    return true
  }
}

export interface AgentStreamHandlers {
  onEvent: (ev: AgentEvent) => void
  /** The stream (re)connected; after a reset or a first connection the page loads its state. */
  onOpen: (fresh: boolean) => void
  onReset: () => void
  onDown: (err: unknown) => void
}

/** Reads one connection of the stream until it ends; resolves when it ends, rejects on failure. */
export async function readAgentStream(signal: AbortSignal, seen: SeenEvents, h: AgentStreamHandlers): Promise<void> {
  const headers: Record<string, string> = {}
  if (seen.last) headers['Last-Event-ID'] = seen.last
  const res = await request('/agent/events', { signal, headers })
  if (!res.body) throw new Error('the browser cannot read streams')
  h.onOpen(seen.last === null)
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += value
      const { events, rest } = parseEvents(buffer)
      buffer = rest
      for (const ev of events) {
        if (ev.event === 'hello') continue
        if (ev.event === 'reset') {
          h.onReset()
          continue
        }
        if (ev.id !== undefined && !seen.add(ev.id)) continue
        let data: AgentEvent
        try {
          data = JSON.parse(ev.data) as AgentEvent
        } catch {
          continue
        }
        h.onEvent({ ...data, type: data.type ?? ev.event })
      }
    }
  } finally {
    reader.releaseLock()
  }
}

/** Keeps the stream open until signal aborts, reconnecting with a growing pause (1 s to 15 s). */
export async function followAgentEvents(signal: AbortSignal, h: AgentStreamHandlers): Promise<void> {
  const seen = new SeenEvents()
  let wait = 1000
  while (!signal.aborted) {
    try {
      await readAgentStream(signal, seen, {
        ...h,
        onEvent: (ev) => {
          wait = 1000
          h.onEvent(ev)
        },
      })
    } catch (e) {
      if (signal.aborted) return
      h.onDown(e)
    }
    if (signal.aborted) return
    h.onDown(null)
    await new Promise((r) => setTimeout(r, wait))
    wait = Math.min(wait * 2, 15000)
  }
}
