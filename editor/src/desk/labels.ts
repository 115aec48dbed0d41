// Names of the workspace's fixed values in the current language.

import type { MessageId, MessageValues } from '../i18n/intl'

type T = (id: MessageId, values?: MessageValues) => string

/** The reasons an agent may give for a break. */
export const breakReasons = ['lunch', 'coffee', 'training', 'meeting', 'other'] as const

const reasons: Record<string, MessageId> = {
  lunch: 'desk.reason.lunch',
  coffee: 'desk.reason.coffee',
  training: 'desk.reason.training',
  meeting: 'desk.reason.meeting',
  other: 'desk.reason.other',
  'missed offer': 'desk.reason.missed',
}

/** A break's reason: one of ours, the server's "missed offer", or the text as it is. */
export function reasonLabel(t: T, reason: string): string {
  const id = reasons[reason]
  return id ? t(id) : reason
}

const channelTypes: Record<string, MessageId> = {
  facebook: 'desk.channel.facebook',
  instagram: 'desk.channel.instagram',
  twitter: 'desk.channel.twitter',
  webchat: 'desk.channel.webchat',
}

/** A channel type's name. */
export function channelTypeLabel(t: T, type: string): string {
  const id = channelTypes[type]
  return id ? t(id) : type
}
