import { describe, expect, it } from 'vitest'
import { freeSpot } from './placement'

describe('freeSpot', () => {
  const box = { width: 180, height: 100 }
  it('keeps the place when it is free', () => {
    expect(freeSpot([{ x: 0, y: 0, ...box }], { x: 400, y: 0, ...box })).toEqual({ x: 400, y: 0 })
  })

  it('moves down past the blocks in the way', () => {
    const taken = [
      { x: 0, y: 0, ...box },
      { x: 0, y: 130, ...box },
    ]
    expect(freeSpot(taken, { x: 50, y: 20, ...box })).toEqual({ x: 50, y: 260 })
  })
})
