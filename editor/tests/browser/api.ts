// Calls to the server's API from the tests, to arrange what the browser then works on.

export async function call<T>(base: { url: string; token: string }, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${base.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${base.token}`, ...(body !== undefined ? { 'Content-Type': typeof body === 'string' ? 'application/yaml' : 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed as T, headers: res.headers }
}
