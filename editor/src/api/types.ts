// The shapes of the server's answers (server/*.go, store/*.go, sim/sim.go).

/** A problem in a flow, placed on a line and named by its path inside the document. */
export interface Diagnostic {
  file: string
  line: number
  column: number
  severity: 'error' | 'warning'
  code: string
  /** Where the problem is: blocks.hours.params.timezone. */
  path: string
  message: string
}

/** A flow in the list. */
export interface FlowSummary {
  id: string
  name: string
  description: string
  format: 'yaml' | 'json'
  revision: number
  latest_version: number
  updated_at: string
  updated_by: string
  /** The channel types the flow has a trigger for. */
  triggers?: string[]
}

/** A flow's draft, with its diagnostics. */
export interface FlowDraft extends FlowSummary {
  source: string
  created_at: string
  /** Absent when the draft was read unchecked. */
  diagnostics?: Diagnostic[]
  /** The draft's content as JSON, when it was read unchecked with its content and can be read. */
  content?: unknown
}

/** A published version. */
export interface FlowVersion {
  flow_id?: string
  version: number
  source?: string
  format?: 'yaml' | 'json'
  author: string
  message: string
  created_at: string
}

/** The server's comparison of two documents (flows.Diff). */
export interface ServerDiff {
  meta: string[]
  added: string[]
  removed: string[]
  changed: { id: string; type?: string[]; params?: string[]; wires?: { exit: string; from: string; to: string }[] }[]
}

/** The answer of POST /api/v1/validate. */
export interface Validation {
  valid: boolean
  errors: number
  warnings: number
  diagnostics: Diagnostic[]
}

export interface Author {
  id: string
  name?: string
  handle?: string
}

/** An interaction as the engine sees it. */
export interface Interaction {
  id?: string
  channel?: string
  channel_id?: string
  kind?: string
  public?: boolean
  text?: string
  author?: Author
  thread?: string
  parent?: string
  time?: string
}

/** Something a flow did: a reply, a route, a tag... */
export interface Action {
  id?: string
  type: string
  channel?: string
  visibility?: string
  text?: string
  skill?: string
  agent?: string
  priority?: number
  outcome?: string
  tags?: string[]
  important?: boolean
  disposition?: string
  method?: string
  url?: string
  status?: number
  [key: string]: unknown
}

export interface Wait {
  kind: string
  ref?: string
  deadline?: string
  state?: Record<string, unknown>
}

/** One block run. */
export interface Step {
  flow?: string
  block: string
  type: string
  exit?: string
  event?: string
  wait?: Wait
  error?: string
  at: string
  duration_ns: number
  vars?: { name: string; value: unknown }[]
  actions?: Action[]
}

/** What a flow did with a simulated interaction (sim.Outcome). */
export interface Outcome {
  interaction: Interaction
  status: 'ended' | 'waiting' | 'failed' | string
  path: string[]
  exits: string[]
  actions: Action[]
  vars: Record<string, unknown>
  waiting: Wait | null
  error: string | null
  steps: Step[]
}

/** An agent in a simulation. */
export interface SimAgent {
  id: string
  name?: string
  skills: Record<string, number>
  state?: string
  capacity?: number
}

export interface Channel {
  id: string
  type: 'facebook' | 'instagram' | 'twitter' | 'webchat'
  name: string
  settings: Record<string, unknown>
  default_flow: string
  default_skill: string
  enabled: boolean
  needs_reauth: boolean
  credentials: Record<string, string>
  webhook_path: string
  created_at: string
  updated_at: string
}

export interface Skill {
  name: string
  description: string
  dispositions: string[] | null
  require_accept: boolean
  /** How the skill's conversations find agents (docs/routing.md). */
  strategy?: 'most_proficient' | 'longest_idle' | 'least_busy' | 'round_robin' | 'manual'
  assignment_limit?: number
  /** In seconds. */
  assignment_window?: number
  router_url?: string
  router_timeout?: string
  /** Agent groups in order. */
  groups?: string[]
  created_at?: string
  updated_at?: string
}

export interface Agent {
  id: string
  name: string
  skills: Record<string, number> | null
  capacity: number
  channel_capacity: Record<string, number> | null
  groups: string[] | null
  blending: boolean
}

export interface EmergencySwitch {
  name: string
  on: boolean
  updated_at: string
  updated_by: string
}

export interface Conversation {
  id: string
  channel_id: string
  customer: string
  contact_id: string
  status: string
  agent: string
  skill: string
  important: boolean
  tags: string[] | null
  disposition: string
  opened_at: string
  closed_at: string | null
}

export interface StoredInteraction {
  id: number
  conversation_id: string
  channel_id: string
  direction: 'inbound' | 'outbound'
  kind: string
  public: boolean
  author: Author
  text: string
  at: string
}

export interface Transcript extends Conversation {
  interactions: StoredInteraction[]
}

/** One skill's or channel's live figures. */
export interface QueueStats {
  name: string
  agents: Record<string, number>
  waiting: number
  longest_wait_seconds: number
  offered: number
  answered: number
  abandoned: number
  service_level: number | null
  average_wait_seconds: number | null
  average_handle_seconds: number | null
  /** Of a channel: the targets its figures are held against (its target_* settings). */
  targets?: Targets
}

/** A channel's targets: the least service level and the most abandon rate (fractions of 1),
 * and the longest wait in seconds. */
export interface Targets {
  service_level: number
  abandon: number
  wait_seconds: number
}

export interface AgentStats {
  agent: string
  name: string
  state: string
  reason: string
  active: number
  completed: number
  average_handle_seconds: number | null
}

export interface ChannelSLA {
  channel: string
  calendar: string
  conversations: number
  responded: number
  resolved: number
  average_first_response_seconds: number | null
  average_resolution_seconds: number | null
}

/** The live statistics (routing.Stats). */
export interface Stats {
  from: string
  to: string
  at: string
  skills: QueueStats[]
  channels: QueueStats[]
  agents: AgentStats[]
  sla: ChannelSLA[]
  states: Record<string, number>
}

/** A named calendar kept by an admin. */
export interface Calendar {
  name: string
  timezone: string
  open: Record<string, string[]> | null
  special: string[] | null
  country: string
}
