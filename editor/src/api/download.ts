// Saves a flow's file: fetched with the token (a plain link could not send it), then handed to
// the browser as a download.

import { request } from './client'

export async function downloadFlow(id: string, format: 'yaml' | 'json', version = 'draft'): Promise<void> {
  const res = await request(`/flows/${encodeURIComponent(id)}/export?format=${format}&version=${version}`)
  const blob = await res.blob()
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = `${id}.${format}`
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
