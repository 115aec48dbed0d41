// Names of the workspace's fixed values in the current language.

import type { MessageId, MessageValues } from '../i18n/intl'

type T = (id: MessageId, values?: MessageValues) => string

/** The reasons an agent may give for a break while the workspace lists none of its own (the
 * server's default, settings.DefaultBreakReasons): these are shown in the agent's language. */
export const defaultBreakReasons: readonly string[] = ['lunch', 'coffee', 'training', 'meeting', 'other']

/** A state menu's value ("available", "break:lunch") as the state and the reason, which may
 * hold colons of its own. */
export function splitStateValue(v: string): { state: string; reason: string } {
  const i = v.indexOf(':')
  return i < 0 ? { state: v, reason: '' } : { state: v.slice(0, i), reason: v.slice(i + 1) }
}

const reasons: Record<string, MessageId> = {
  lunch: 'desk.reason.lunch',
  coffee: 'desk.reason.coffee',
  training: 'desk.reason.training',
  meeting: 'desk.reason.meeting',
  other: 'desk.reason.other',
  'missed offer': 'desk.reason.missed',
}

/** A break's reason: a default one or the server's "missed offer" in the agent's language, or
 * one an admin wrote, as they wrote it. */
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
