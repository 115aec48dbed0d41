import { describe, expect, it } from 'vitest'
import { fitViewport, minimapRoom } from './fit'

/** Whether a fitted flow's bounds, on screen, stay out of the minimap's corner. */
function clearOfMinimap(b: { x: number; y: number; width: number; height: number }, w: number, h: number): boolean {
  const v = fitViewport(b, w, h, 0.05)
  const right = b.x * v.zoom + v.x + b.width * v.zoom
  const bottom = b.y * v.zoom + v.y + b.height * v.zoom
  const left = b.x * v.zoom + v.x
  const top = b.y * v.zoom + v.y
  expect(left).toBeGreaterThanOrEqual(0)
  expect(top).toBeGreaterThanOrEqual(0)
  return right <= w - minimapRoom.width + 1 || bottom <= h - minimapRoom.height + 1
}

describe('fitting a flow in view', () => {
  it('keeps wide, tall and small flows clear of the minimap', () => {
    expect(clearOfMinimap({ x: 0, y: 0, width: 3000, height: 400 }, 850, 700)).toBe(true)
    expect(clearOfMinimap({ x: -200, y: 100, width: 500, height: 3000 }, 850, 700)).toBe(true)
    expect(clearOfMinimap({ x: 40, y: 40, width: 600, height: 500 }, 850, 700)).toBe(true)
    expect(clearOfMinimap({ x: 0, y: 0, width: 180, height: 80 }, 850, 700)).toBe(true)
  })
})
