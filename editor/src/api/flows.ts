// The flow calls the editor makes: read a draft with its ETag, save it with If-Match, publish,
// roll back, and the versions.

import { api, request } from './client'
import type { FlowDraft, FlowVersion } from './types'

const path = (id: string) => `/flows/${encodeURIComponent(id)}`

/** Reads a flow's draft with the ETag to save it back with; unchecked, without its
 * diagnostics and with its content as JSON (sooner for a large flow: the editor draws it from
 * the content while it reads the source, and checks it apart). */
export async function fetchDraft(id: string, opts: { unchecked?: boolean } = {}): Promise<{ flow: FlowDraft; etag: string }> {
  const res = await request(opts.unchecked ? `${path(id)}?diagnostics=false&content=true` : path(id))
  const flow = (await res.json()) as FlowDraft
  return { flow, etag: res.headers.get('ETag') ?? `"${flow.revision}"` }
}

/** Saves a draft if nobody saved it since revision; a 409 ApiError carries theirs. */
export async function saveDraft(
  id: string,
  revision: number,
  source: string,
  format: 'yaml' | 'json',
): Promise<FlowDraft> {
  return api<FlowDraft>(path(id), {
    method: 'PUT',
    headers: { 'If-Match': `"${revision}"` },
    body: { source, format },
  })
}

/** Publishes the saved draft as the next version. */
export async function publishDraft(id: string, revision: number, message: string): Promise<FlowVersion> {
  return api<FlowVersion>(`${path(id)}/publish`, {
    method: 'POST',
    headers: { 'If-Match': `"${revision}"` },
    body: { message },
  })
}

/** Publishes an old version again as the newest, and makes it the draft. */
export async function rollback(id: string, version: number, message: string): Promise<FlowVersion> {
  return api<FlowVersion>(`${path(id)}/rollback`, { method: 'POST', body: { version, message } })
}

export async function listVersions(id: string): Promise<FlowVersion[]> {
  return api<FlowVersion[]>(`${path(id)}/versions`)
}

export async function getVersion(id: string, version: number): Promise<FlowVersion> {
  return api<FlowVersion>(`${path(id)}/versions/${version}`)
}
