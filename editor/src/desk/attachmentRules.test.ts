import { describe, expect, it } from 'vitest'
import { attachmentProblem, type ReplyDraft } from './attachmentRules'

const png = { type: 'image/png' }
const pdf = { type: 'application/pdf' }
const draft = (d: Partial<ReplyDraft>): ReplyDraft => ({ channelType: 'facebook', visibility: 'private', toPublic: false, text: '', files: [], ...d })

describe('what a reply may carry', () => {
  it('lets a message in the window carry text and several files', () => {
    expect(attachmentProblem(draft({ text: 'here', files: [png, pdf] }))).toBeNull()
    expect(attachmentProblem(draft({ channelType: 'webchat', visibility: 'public', text: 'here', files: [png, pdf] }))).toBeNull()
  })

  it('gives a public Facebook reply one image, and an Instagram or X one none', () => {
    expect(attachmentProblem(draft({ visibility: 'public', text: 'see', files: [png] }))).toBeNull()
    expect(attachmentProblem(draft({ visibility: 'public', files: [pdf] }))).toBe('desk.files.publicOneImage')
    expect(attachmentProblem(draft({ visibility: 'public', files: [png, png] }))).toBe('desk.files.publicOneImage')
    expect(attachmentProblem(draft({ channelType: 'instagram', visibility: 'public', files: [png] }))).toBe('desk.files.instagramPublic')
    expect(attachmentProblem(draft({ channelType: 'twitter', files: [png] }))).toBe('desk.files.xTextOnly')
  })

  it('makes a private reply to a comment text or one file, not both', () => {
    expect(attachmentProblem(draft({ toPublic: true, text: 'here it is', files: [png] }))).toBe('desk.files.privateReplyOne')
    expect(attachmentProblem(draft({ toPublic: true, files: [png, pdf] }))).toBe('desk.files.privateReplyOne')
    expect(attachmentProblem(draft({ toPublic: true, files: [pdf] }))).toBeNull()
    expect(attachmentProblem(draft({ toPublic: true, text: 'only text' }))).toBeNull()
  })
})
