// Names of the product's fixed values (agent states, severities, statuses) in the current
// language; a value the interface does not know yet shows as it is.

import type { MessageId, MessageValues } from './intl'

type T = (id: MessageId, values?: MessageValues) => string

const agentStates: Record<string, MessageId> = {
  available: 'state.available',
  busy: 'state.busy',
  break: 'state.break',
  offline: 'state.offline',
}

/** An agent state (available, busy, break, offline). */
export function agentStateLabel(t: T, state: string): string {
  const id = agentStates[state]
  return id ? t(id) : state
}

const severities: Record<string, MessageId> = { error: 'severity.error', warning: 'severity.warning' }

/** A diagnostic's severity. */
export function severityLabel(t: T, severity: string): string {
  const id = severities[severity]
  return id ? t(id) : severity
}

/** A channel's or skill's setting, by its name in the settings spec; the label made from the
 * name (fallback) when the catalogues do not know the setting yet. */
export function settingLabel(messages: Record<string, unknown>, t: T, name: string, fallback: string): string {
  const id = `setting.${name}`
  return id in messages ? t(id as MessageId) : fallback
}
