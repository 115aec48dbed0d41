// Work the editor can put off (reading the whole text into its editable document, applying the
// check of a large flow, loading the names the inspector suggests) runs once the canvas has
// painted the open flow, when the browser is idle and no pointer is held down: never before the
// first paint, nor beside a drag or a pan, whose frames it would slow.

/** How long an idle task waits for the browser to be idle before it runs all the same. */
const idleTimeoutMs = 1000

let held = false
/** Whether the canvas has painted the open flow (true where there is no canvas to wait for). */
let painted = true
/** Tasks waiting for the pointer's release or the first paint: one per caller, which cancels
 * its own. */
const waiting = new Set<() => void>()

function flush(): void {
  if (held || !painted) return
  const tasks = [...waiting]
  waiting.clear()
  for (const t of tasks) t()
}

function release(): void {
  held = false
  flush()
}

/** Says that a flow is opening: deferred work waits for paintDone. */
export function paintPending(): void {
  painted = false
}

/** Says that the canvas has painted the open flow (or closed): deferred work may run. */
export function paintDone(): void {
  painted = true
  flush()
}

if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', () => (held = true), true)
  window.addEventListener('pointerup', release, true)
  window.addEventListener('pointercancel', release, true)
  // a pointer released outside the page ends its drag too
  window.addEventListener('blur', release)
}

/** Tells whether a pointer is held down on the page (a drag or a pan may be under way). */
export function pointerHeld(): boolean {
  return held
}

const idle: (fn: () => void) => () => void =
  typeof requestIdleCallback === 'function'
    ? (fn) => {
        const h = requestIdleCallback(fn, { timeout: idleTimeoutMs })
        return () => cancelIdleCallback(h)
      }
    : (fn) => {
        const h = setTimeout(fn, 0)
        return () => clearTimeout(h)
      }

/** Runs fn once the browser is idle and no pointer is held down; the function returned cancels it. */
export function whenIdle(fn: () => void): () => void {
  let cancelled = false
  let cancelIdle: (() => void) | null = null
  const attempt = () => {
    cancelIdle = idle(() => {
      cancelIdle = null
      if (cancelled) return
      if (held || !painted) waiting.add(attempt)
      else fn()
    })
  }
  attempt()
  return () => {
    cancelled = true
    cancelIdle?.()
    waiting.delete(attempt)
  }
}

/** Runs fn at once unless a pointer is held down or the open flow is not painted yet, else
 * when that ends; the function returned cancels it. */
export function whenReleased(fn: () => void): () => void {
  if (!held && painted) {
    fn()
    return () => {}
  }
  let cancelled = false
  const run = () => {
    if (!cancelled) fn()
  }
  waiting.add(run)
  return () => {
    cancelled = true
    waiting.delete(run)
  }
}
