// Talking to the Switchboard API: a bearer token kept in localStorage, JSON in and out, and the
// API's errors ({error: {code, message, field}} with extra detail beside) as ApiError.

const tokenKey = 'switchboard.token'

/** Returns the API token the user logged in with, or null. */
export function getToken(): string | null {
  try {
    return localStorage.getItem(tokenKey)
  } catch {
    return null
  }
}

/** Keeps the API token, or forgets it with null. */
export function setToken(token: string | null): void {
  if (token) localStorage.setItem(tokenKey, token)
  else localStorage.removeItem(tokenKey)
  for (const fn of tokenListeners) fn()
}

const tokenListeners = new Set<() => void>()

/** Calls fn when the token changes (login, logout, or a token the server refused). */
export function onTokenChange(fn: () => void): () => void {
  tokenListeners.add(fn)
  return () => tokenListeners.delete(fn)
}

/** An error the API answered with. */
export class ApiError extends Error {
  status: number
  code: string
  field?: string
  /** The rest of the answer: diagnostics, the current draft of a conflict, its differences. */
  body: Record<string, unknown>

  constructor(status: number, code: string, message: string, body: Record<string, unknown>, field?: string) {
    super(message)
    this.status = status
    this.code = code
    this.body = body
    this.field = field
  }
}

export interface RequestOptions {
  method?: string
  body?: unknown
  /** A body sent as it is (a file being imported), with its content type. */
  raw?: { data: string; type: string }
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** Sends a request to the API and returns the answer and its headers. */
export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers }
  const token = getToken()
  if (token) headers.Authorization = `Bearer ${token}`
  let body: string | undefined
  if (opts.raw) {
    body = opts.raw.data
    headers['Content-Type'] = opts.raw.type
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body)
    headers['Content-Type'] = 'application/json'
  }
  const res = await fetch(`/api/v1${path}`, { method: opts.method ?? 'GET', headers, body, signal: opts.signal })
  if (!res.ok) {
    let data: Record<string, unknown> = {}
    try {
      data = (await res.json()) as Record<string, unknown>
    } catch {
      // not JSON: keep the status line
    }
    const e = (data.error ?? {}) as { code?: string; message?: string; field?: string }
    const err = new ApiError(res.status, e.code ?? 'error', e.message ?? `${res.status} ${res.statusText}`, data, e.field)
    if (res.status === 401 && token) setToken(null)
    throw err
  }
  return res
}

/** Sends a request and reads the JSON answer. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await request(path, opts)
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
}

/** The kind of user a token is: an agent (the agent API only) or staff (the editor's pages). */
export type TokenKind = 'agent' | 'staff'

/** Checks a token by reading the block catalogue with it (staff may, as they may read the
 * flows; the flow list would cost the server a reading of every flow, large ones too, before
 * any page shows), or, for an agent's token, the agent's desk. */
export async function checkToken(token: string): Promise<TokenKind> {
  const headers = { Authorization: `Bearer ${token}` }
  let res = await fetch('/api/v1/blocks', { headers })
  if (res.status === 403) {
    const desk = await fetch('/api/v1/agent', { headers })
    if (desk.ok) return 'agent'
    res = desk
  }
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`
    try {
      const data = (await res.json()) as { error?: { message?: string } }
      message = data.error?.message ?? message
    } catch {
      // keep the status line
    }
    throw new Error(message)
  }
  return 'staff'
}

/** Returns an error's message for people. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
