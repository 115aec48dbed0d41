import { describe, expect, it } from 'vitest'
import { parseEvents } from './statsStream'

describe('parseEvents', () => {
  it('reads complete events and keeps the incomplete tail', () => {
    const { events, rest } = parseEvents('event: stats\ndata: {"a":1}\n\nevent: stats\ndata: {"a"')
    expect(events).toEqual([{ event: 'stats', data: '{"a":1}' }])
    expect(rest).toBe('event: stats\ndata: {"a"')
    const more = parseEvents(rest + ':2}\n\n')
    expect(more.events).toEqual([{ event: 'stats', data: '{"a":2}' }])
    expect(more.rest).toBe('')
  })

  it('joins data lines, takes CRLF, skips comments, and names unnamed events message', () => {
    const { events } = parseEvents(': keep-alive\r\n\r\ndata: one\r\ndata: two\r\n\r\nevent: error\ndata: "boom"\n\n')
    expect(events).toEqual([
      { event: 'message', data: 'one\ntwo' },
      { event: 'error', data: '"boom"' },
    ])
  })
})
