import { describe, expect, it } from 'vitest'
import { reasonLabel, splitStateValue } from './labels'

describe('break reasons', () => {
  it('splits a state menu value at its first colon only', () => {
    expect(splitStateValue('available')).toEqual({ state: 'available', reason: '' })
    expect(splitStateValue('break:lunch')).toEqual({ state: 'break', reason: 'lunch' })
    expect(splitStateValue('break:Coaching: 1:1')).toEqual({ state: 'break', reason: 'Coaching: 1:1' })
  })

  it('translates the default reasons and shows an admin’s as written', () => {
    const t = (id: string) => `«${id}»`
    expect(reasonLabel(t as never, 'lunch')).toBe('«desk.reason.lunch»')
    expect(reasonLabel(t as never, 'missed offer')).toBe('«desk.reason.missed»')
    expect(reasonLabel(t as never, 'Coaching session')).toBe('Coaching session')
  })
})
