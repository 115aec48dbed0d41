import { describe, expect, it } from 'vitest'
import { SeenEvents } from './agentEvents'
import { parseEvents } from '../supervisor/statsStream'

describe('SeenEvents', () => {
  it('drops an id seen before and forgets the oldest beyond its bound', () => {
    const seen = new SeenEvents(2)
    expect(seen.add('1')).toBe(true)
    expect(seen.add('1')).toBe(false)
    expect(seen.add('2')).toBe(true)
    expect(seen.add('3')).toBe(true)
    expect(seen.last).toBe('3')
    expect(seen.add('1'), 'forgotten').toBe(true)
    expect(seen.add('3')).toBe(false)
  })

  it('reads the id line of an event', () => {
    expect(parseEvents('id: 7\nevent: offer\ndata: {}\n\n').events).toEqual([{ event: 'offer', data: '{}', id: '7' }])
  })
})
