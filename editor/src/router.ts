// A small router over the History API: the Go server answers every editor path with index.html,
// so /flows/facebook-care can be opened, reloaded and bookmarked.

import { createElement, useSyncExternalStore, type MouseEvent, type ReactNode } from 'react'

const listeners = new Set<() => void>()
let leaveGuard: (() => boolean) | null = null

function notify() {
  for (const fn of listeners) fn()
}

window.addEventListener('popstate', notify)

/** Asks before leaving the current page: the guard returns true when leaving is fine. */
export function setLeaveGuard(guard: (() => boolean) | null): void {
  leaveGuard = guard
}

/** Goes to a path inside the editor. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return
  if (leaveGuard && !leaveGuard()) return
  if (opts.replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  notify()
}

/** The current path. */
export function usePath(): string {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    () => location.pathname,
  )
}

/** Matches a path against a pattern such as /flows/:id; the parameters, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/').filter(Boolean)
  const b = path.split('/').filter(Boolean)
  if (a.length !== b.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i])
    else if (a[i] !== b[i]) return null
  }
  return params
}

/** A link inside the editor. */
export function Link(props: { to: string; className?: string; children: ReactNode; title?: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    navigate(props.to)
  }
  return createElement('a', { href: props.to, className: props.className, title: props.title, onClick }, props.children)
}
