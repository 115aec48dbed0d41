// Where new blocks go when the designer did not choose: the middle of the view, moved down
// until they cover no block already there.

import type { Position } from '../document/model'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

const gap = 24

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap
}

/** Returns the place nearest to want (down, then right) where a box of this size covers nothing. */
export function freeSpot(occupied: Rect[], want: Rect): Position {
  for (let col = 0; col < 20; col++) {
    for (let row = 0; row < 40; row++) {
      const r = { ...want, x: want.x + col * (want.width + gap), y: want.y + row * 40 }
      if (!occupied.some((o) => overlaps(o, r))) return { x: r.x, y: r.y }
    }
  }
  return { x: want.x, y: want.y }
}
