// Package routing is Switchboard's ACD: it finds agents for conversations.
//
// Agents hold skills with a proficiency from 1 to 20, a capacity (simultaneous conversations,
// optionally per channel type), groups, a state (offline, available, busy, break) with a reason,
// and blending (whether an agent busy with other work still takes conversations). A session's
// route.skill block asks for a skill; Queue admits the request at once (no_agents when nobody
// with the skill is logged in, overflow when the skill's queue is full for the agents working)
// or queues it, in the transaction of the run that made it.
//
// One node at a time decides assignments: the ACD holds a lease in the database, renewed while
// it runs, and any node takes it over when it lapses. Each cycle (on a wake-up from the bus, or
// every second) the leader reads the open queue, agents and states, and builds a Board — heaps
// per skill of waiting conversations (priority, the channel's distribution order, age) and of
// free agents (proficiency, idle time) — on which each decision costs O(log n); building it
// costs O(n) in what is open, which the database read dominates. A decision offers the
// conversation to the agent (ringing, for channels and skills that want an answer) or assigns
// it directly; an offer rejected or left to ring out goes back to the head of its queue, for
// another agent, and can pause the agent who missed it. When every working agent of the skill
// has turned it down, a new round of offers starts after ReofferAfter. The contact's last agent
// is offered a conversation first — whether or not it has the skill — and holds it for a while
// before anyone else may take it.
//
// A skill's strategy (most proficient, longest idle, least busy, round robin, or manual claim;
// a channel may override it) orders the free agents of each heap, after the skill's ordered
// agent groups; an assignment limit caps an agent's new conversations of a skill per window, and
// an external router may pick among the first candidates. A request's escalation steps, applied
// on each cycle from its age, lower the proficiency needed, let more skills' agents take it and
// raise its priority; agents' capacities may bound a channel by id, and a channel may refuse
// agents serving other channels (blending). Each cycle also puts back in the queue assigned
// conversations left unanswered (auto_requeue); the statistics carry the supervisors' alerts.
//
// Agents accept, reject, transfer and close conversations through the agent API; closing with a
// disposition resumes the session that waited in route.skill. Statistics (agents by state,
// queue sizes and waits, offered, answered, abandoned, service level, handle times, SLA in
// working hours) are computed from the queue's rows.
package routing

// Agent states.
const (
	StateOffline   = "offline"
	StateAvailable = "available"
	StateBusy      = "busy"
	StateBreak     = "break"
)

// States lists the agent states.
var States = []string{StateOffline, StateAvailable, StateBusy, StateBreak}
