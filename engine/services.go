package engine

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Clock tells the time. Engines, blocks and routing read time only through a Clock.
type Clock interface {
	Now() time.Time
}

// Outbox takes the actions sessions emit: replies, likes, tags, closes. A durable outbox
// answers Pending and later resumes the session with EventSent or EventSendFailed.
type Outbox interface {
	Send(ctx context.Context, a *Action) SendResult
}

// SendResult is what an outbox says of an action right away.
type SendResult struct {
	// Pending means the result will arrive later as an event.
	Pending bool
	// Err is the reason the action failed, when it did at once.
	Err error
}

// Router finds agents for conversations (the ACD).
type Router interface {
	// Route asks for an agent with a skill.
	Route(ctx context.Context, req *RouteRequest) (RouteResult, error)
	// Cancel withdraws a request whose wait timed out.
	Cancel(ctx context.Context, sessionID, ref string) error
}

// ConversationClock is what a router knows of the clock of the conversation a session runs
// for: route.skill's time events read it (sla, no_reply, idle) when the router offers it.
type ConversationClock struct {
	// LastInbound and LastOutbound are when the customer last wrote and when a reply was last
	// sent; zero when never.
	LastInbound, LastOutbound time.Time
	// ServiceLevel is the channel's service level: how soon its conversations should be taken.
	ServiceLevel time.Duration
	// Agent is the agent who holds the conversation now; empty while it waits in a queue.
	Agent string
}

// ClockReader is a Router that reads the clock of the conversation of the run it serves.
// Routers without one (simulations) leave the time events that need it out.
type ClockReader interface {
	ConversationClock(ctx context.Context) (ConversationClock, error)
}

// RouteRequest asks the router for an agent.
type RouteRequest struct {
	// Ref identifies the request: the session and step that made it.
	Ref       string
	SessionID string
	Skill     string
	Priority  int
	// Preferred is the agent to offer the conversation to first, held for PreferredTimeout.
	Preferred        string
	PreferredTimeout time.Duration
	// Timeout is how long the conversation may wait in the queue.
	Timeout time.Duration
	// QueueWithoutAgents queues the conversation even when nobody with the skill is logged in.
	QueueWithoutAgents bool
	// Escalation widens the request as it waits, step by step.
	Escalation  []EscalationStep
	Interaction *Interaction
	Contact     *Contact
}

// EscalationStep widens a waiting request from After (since it was queued) on: agents need at
// least MinProficiency (0 keeps the step before's; any at first), agents of Skills may take it
// too, and Priority is added to its priority. Each step keeps what the steps before it did.
type EscalationStep struct {
	After          time.Duration
	MinProficiency int
	Skills         []string
	Priority       int
}

// RouteOutcome is what the router did with a request.
type RouteOutcome string

// The outcomes of a routing request.
const (
	RouteAssigned RouteOutcome = "assigned"
	RouteQueued   RouteOutcome = "queued"
	RouteNoAgents RouteOutcome = "no_agents"
	RouteOverflow RouteOutcome = "overflow"
)

// RouteResult is the router's answer.
type RouteResult struct {
	Outcome RouteOutcome
	// Agent is the agent assigned, for RouteAssigned.
	Agent string
	// Position is the request's place in its skill's queue (1 is next), and ExpectedWait an
	// estimate of its wait, for RouteQueued; 0 when the router does not say.
	Position     int
	ExpectedWait time.Duration
}

// Contacts finds and creates contacts (the customer records).
type Contacts interface {
	// Lookup finds the contact of an author on a channel type, creating it with the given
	// attributes when none exists. found tells which happened.
	Lookup(ctx context.Context, channel string, author Author, attributes map[string]any) (c Contact, found bool, err error)
}

// Switches reads the emergency switches an admin turns on and off.
type Switches interface {
	Switch(ctx context.Context, name string) (on bool, err error)
}

// Calendars reads the named calendars an admin keeps.
type Calendars interface {
	Calendar(ctx context.Context, name string) (*CalendarDef, error)
}

// CalendarDef is a named calendar: opening hours in a zone and special days.
type CalendarDef struct {
	Name     string              `json:"name"`
	Timezone string              `json:"timezone"`
	Open     map[string][]string `json:"open,omitempty"`
	Special  []string            `json:"special,omitempty"`
	Country  string              `json:"country,omitempty"`
	// Version changes whenever the calendar does, so blocks can cache what they compile.
	Version int64 `json:"version"`
}

// HTTPDoer sends HTTP requests for the http block; *http.Client is one.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// FlowLoader loads flow versions for subflows and for resuming a session inside one.
type FlowLoader interface {
	// LoadFlow returns a flow version; version 0 means the latest published one.
	LoadFlow(ctx context.Context, id string, version int) (*Flow, error)
}

// ErrNotFound is returned by services for a name that does not exist.
var ErrNotFound = errors.New("not found")
