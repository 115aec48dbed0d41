// What a reply may carry, as the server checks it (routing.checkAttachments, docs/agent-api.md,
// Attachments): the reply box explains a combination the network would refuse before it is sent.

import type { MessageId } from '../i18n/intl'

export interface ReplyDraft {
  channelType: string
  visibility: 'public' | 'private'
  /** The reply answers a public comment or post privately: the network's one message for it. */
  toPublic: boolean
  text: string
  /** The files' kinds as the upload gave them (image/png, application/pdf, …). */
  files: { type: string }[]
}

const meta = (type: string) => type === 'facebook' || type === 'instagram'

/** Why the network cannot carry the reply's files, or null when it can. */
export function attachmentProblem(d: ReplyDraft): MessageId | null {
  const n = d.files.length
  if (n === 0) return null
  if (d.channelType === 'twitter') return 'desk.files.xTextOnly'
  if (!meta(d.channelType)) return null
  if (d.visibility === 'public') {
    if (d.channelType === 'instagram') return 'desk.files.instagramPublic'
    if (n > 1 || !d.files[0].type.startsWith('image/')) return 'desk.files.publicOneImage'
    return null
  }
  if (d.toPublic && (d.text.trim() !== '' || n > 1)) return 'desk.files.privateReplyOne'
  return null
}
