// Reading the live statistics from GET /api/v1/stats/stream. EventSource cannot send the
// Authorization header, so the stream is read with fetch and a ReadableStream, and its
// server-sent events are parsed here.

import { request } from '../api/client'
import type { Stats } from '../api/types'

/** One server-sent event. */
export interface ServerEvent {
  event: string
  data: string
  /** The event's id line, when it has one. */
  id?: string
}

/**
 * Parses the complete events at the start of a buffer; rest is the incomplete tail to keep for
 * the next chunk. Lines may end in \n or \r\n; data lines of one event are joined by \n.
 */
export function parseEvents(buffer: string): { events: ServerEvent[]; rest: string } {
  const events: ServerEvent[] = []
  const text = buffer.replace(/\r\n?/g, '\n')
  let start = 0
  for (;;) {
    const end = text.indexOf('\n\n', start)
    if (end < 0) break
    const block = text.slice(start, end)
    start = end + 2
    let event = 'message'
    let id: string | undefined
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      let value = colon < 0 ? '' : line.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (field === 'event') event = value
      else if (field === 'data') data.push(value)
      else if (field === 'id') id = value
    }
    if (data.length) events.push(id === undefined ? { event, data: data.join('\n') } : { event, data: data.join('\n'), id })
  }
  return { events, rest: text.slice(start) }
}

/**
 * Streams the statistics until signal aborts, calling onStats with each. It resolves when the
 * stream ends and rejects when it fails.
 */
export async function streamStats(signal: AbortSignal, onStats: (s: Stats) => void, interval = '2s'): Promise<void> {
  const res = await request(`/stats/stream?interval=${encodeURIComponent(interval)}`, { signal })
  if (!res.body) throw new Error('the browser cannot read streams')
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
        if (ev.event === 'stats') onStats(JSON.parse(ev.data) as Stats)
        else if (ev.event === 'error') throw new Error(JSON.parse(ev.data) as string)
      }
    }
  } finally {
    reader.releaseLock()
  }
}
