// The shapes of the agent API's answers (server/agents.go, docs/agent-api.md).

/** An agent's state as the server keeps it. */
export interface AgentState {
  agent: string
  state: 'available' | 'busy' | 'break' | 'offline' | string
  reason: string
  since: string
}

/** What GET /agent answers: the agent and its state. */
export interface Desk {
  agent: { id: string; name: string; capacity: number; skills: Record<string, number> }
  state: AgentState
  offers: QueueEntry[]
  conversations: QueueEntry[]
  /** The reasons the agent may give for a break (the workspace's settings). */
  break_reasons?: string[]
}

/** A conversation's request for an agent (store.QueueEntry). */
export interface QueueEntry {
  ref: string
  conversation_id: string
  channel_id: string
  channel_type: string
  skill: string
  public: boolean
  enqueued_at: string
  status: string
  agent: string
  offer_expires_at: string | null
  assigned_at: string | null
}

/** One conversation of the inbox: assigned to the agent, or offered to it. */
export interface InboxItem {
  id: string
  channel: string
  channel_type: string
  skill: string
  status: string
  customer: { id: string; name: string }
  first: { text: string; visibility: 'public' | 'private'; at: string } | null
  last_customer_at: string | null
  unread: number
  important: boolean
  sla_due_at: string | null
  assigned_at: string | null
  offer?: { ref: string; expires_at: string }
}

export interface Attachment {
  type: string
  url: string
  name?: string
}

/** One message of a transcript. */
export interface TranscriptItem {
  id: number
  direction: 'inbound' | 'outbound'
  kind: string
  public: boolean
  author: { id: string; name?: string; handle?: string }
  text: string
  parent: string
  external_id: string
  attachments: Attachment[] | null
  at: string
  agent: string
  status: string
  error?: string
  send?: { status: string; error?: string }
  private_reply?: 'available' | 'used' | 'unsupported'
}

export interface Contact {
  id: string
  name: string
  handle: string
  vip: boolean
  tags: string[] | null
  attributes: Record<string, unknown> | null
}

/** GET /agent/conversations/:id: the transcript and what the screen needs around it. */
export interface Conversation {
  id: string
  channel_id: string
  customer: string
  contact_id: string
  status: string
  agent: string
  skill: string
  important: boolean
  disposition: string
  opened_at: string
  last_inbound_at: string | null
  interactions: TranscriptItem[]
  contact?: Contact | null
  history?: { id: string; closed_at: string | null; disposition: string; skill: string; channel: string }[]
  sla?: { due_at: string; breached: boolean } | null
  window?: { private_open: boolean; private_until: string | null; human_agent_until: string | null; public_allowed: boolean } | null
  dispositions?: string[]
  contact_required?: boolean
}

/** A canned response (admin API and the agent's search). */
export interface CannedResponse {
  id: string
  title: string
  shortcut: string
  text: string
  channel?: string
  skill?: string
  rendered?: string
}

/** An event of GET /agent/events. */
export interface AgentEvent {
  type: string
  agent?: string
  ref?: string
  conversation?: string
  skill?: string
  expires_at?: string
  text?: string
  state?: string
  reason?: string
}
