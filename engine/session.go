package engine

import (
	"time"
)

// Status is where a session stands.
type Status string

// The statuses of a session.
const (
	StatusRunning Status = "running"
	StatusWaiting Status = "waiting"
	StatusEnded   Status = "ended"
	StatusFailed  Status = "failed"
)

// Session is one run of one flow version for one conversation. It is plain data: a waiting
// session can be stored, and resumed later by another process that loads the same version.
type Session struct {
	ID          string `json:"id"`
	FlowID      string `json:"flow_id"`
	FlowVersion int    `json:"flow_version"`
	Status      Status `json:"status"`
	// Block is the current block: the one waiting, or the last one run; set as a run ends.
	Block string `json:"block"`
	// Vars are the session's variables.
	Vars Vars `json:"vars"`
	// Interaction is the interaction that started the session, or the latest one that resumed it.
	Interaction Interaction `json:"interaction"`
	Contact     Contact     `json:"contact"`
	// DefaultSkill is the channel's default skill, used by route.skill when it names none.
	DefaultSkill string `json:"default_skill,omitempty"`
	// Wait says what a waiting session waits on.
	Wait *Wait `json:"wait,omitempty"`
	// Seq counts waits; an event must carry the current one to resume the session.
	Seq int64 `json:"seq"`
	// Steps counts the steps run so far, over every resume.
	Steps int `json:"steps"`
	// Error says why a failed session failed.
	Error string `json:"error,omitempty"`
	// Stack holds the callers of a running subflow, innermost last.
	Stack []Frame `json:"stack,omitempty"`
	// Seed makes the session's random choices repeatable.
	Seed uint64 `json:"seed"`
	// Held are the customer's messages that came while the session waited for a send, oldest
	// first, at most MaxHeld: the next wait for a reply takes them in turn.
	Held []Interaction `json:"held,omitempty"`
}

// MaxHeld bounds the messages a session holds while it waits for a send; later ones are only
// recorded in the conversation.
const MaxHeld = 16

// Frame is a flow waiting for a subflow it called to finish.
type Frame struct {
	FlowID      string `json:"flow_id"`
	FlowVersion int    `json:"flow_version"`
	Block       string `json:"block"`
	Vars        Vars   `json:"vars"`
}

// WaitKind is what a session waits on.
type WaitKind string

// The kinds of wait.
const (
	// WaitReply waits for the customer's next message.
	WaitReply WaitKind = "reply"
	// WaitAgent waits for the router: an agent assigned, then the conversation closed.
	WaitAgent WaitKind = "agent"
	// WaitTimer waits for a deadline only.
	WaitTimer WaitKind = "timer"
	// WaitSend waits for the result of an outbound send.
	WaitSend WaitKind = "send"
)

// Wait is what a waiting session waits on, and until when.
type Wait struct {
	Kind WaitKind `json:"kind"`
	// Deadline, when set, fires a timeout event.
	Deadline time.Time `json:"deadline,omitzero"`
	// Ref names what is awaited: an outbound action's id, a routing request's id.
	Ref string `json:"ref,omitempty"`
	// State is the waiting block's own memory of where it stands (route.skill's phase).
	State map[string]any `json:"state,omitempty"`
}

// EventKind is what happened to resume a session.
type EventKind string

// The kinds of events that resume a waiting session.
const (
	// EventReply is a new message from the customer.
	EventReply EventKind = "reply"
	// EventTimeout is a wait's deadline passing.
	EventTimeout EventKind = "timeout"
	// EventSent is an outbound action delivered.
	EventSent EventKind = "sent"
	// EventSendFailed is an outbound action given up on.
	EventSendFailed EventKind = "send_failed"
	// EventAssigned is an agent taking the conversation.
	EventAssigned EventKind = "assigned"
	// EventDone is the agent closing the conversation with a disposition.
	EventDone EventKind = "done"
	// EventRequeued is an assigned conversation going back to the queue for another agent
	// (auto_requeue): the request waits again.
	EventRequeued EventKind = "requeued"
)

// accepts lists the events each kind of wait can be resumed by.
var accepts = map[WaitKind][]EventKind{
	WaitReply: {EventReply, EventTimeout},
	WaitAgent: {EventAssigned, EventDone, EventRequeued, EventTimeout},
	WaitTimer: {EventTimeout},
	WaitSend:  {EventSent, EventSendFailed, EventTimeout},
}

// Accepts tells whether an event of this kind resumes the wait.
func (w *Wait) Accepts(k EventKind) bool {
	for _, a := range accepts[w.Kind] {
		if a == k {
			return true
		}
	}
	return false
}

// Event resumes a waiting session.
type Event struct {
	Kind EventKind `json:"kind"`
	// Seq must equal the session's Seq: an event for an earlier wait is refused.
	Seq int64 `json:"seq"`
	// Interaction is the customer's message, for EventReply.
	Interaction *Interaction `json:"interaction,omitempty"`
	// Agent is the agent, for EventAssigned and EventDone.
	Agent string `json:"agent,omitempty"`
	// Disposition is the closing code, for EventDone.
	Disposition string `json:"disposition,omitempty"`
	// Step is the escalation step the request was at when an agent took it, for
	// EventAssigned; 0 when it had none.
	Step int `json:"step,omitempty"`
	// Error says why a send failed, for EventSendFailed.
	Error string `json:"error,omitempty"`
}

// Step is one traced step: what a block did with the session.
type Step struct {
	Flow  string `json:"flow,omitempty"`
	Block string `json:"block"`
	Type  string `json:"type"`
	// Exit is the exit taken; empty when the block waited or ended the session.
	Exit string `json:"exit,omitempty"`
	// Event is the event that resumed the block, for a resumed step.
	Event EventKind `json:"event,omitempty"`
	// Wait is what the block waits on, when it waited.
	Wait *Wait `json:"wait,omitempty"`
	// Error is the block's error, when it failed.
	Error string `json:"error,omitempty"`
	// At is the (injected) clock's time when the step ran.
	At time.Time `json:"at"`
	// Duration is how long a step that reached outside the engine took, on the monotonic
	// clock: from the moment its block first asked for the run's context or the runtime's
	// services (an outbox send, a look-up, a call) to its end. A step that only computed is not
	// timed, and its Duration is zero: reading the clock would cost as much as the step.
	Duration time.Duration `json:"duration_ns"`
	// Vars are the variables the step set.
	Vars []VarChange `json:"vars,omitempty"`
	// Actions are the actions the step emitted.
	Actions []*Action `json:"actions,omitempty"`
}

// Summarise lists the blocks a trace ran, the exit each took ("" where it waited or ended), and
// the actions its steps emitted, in order; never nil.
func Summarise(steps []Step) (path, exits []string, actions []*Action) {
	path, exits, actions = make([]string, len(steps)), make([]string, len(steps)), []*Action{}
	for i, st := range steps {
		path[i], exits[i] = st.Block, st.Exit
		actions = append(actions, st.Actions...)
	}
	return path, exits, actions
}

// VarChange is one variable a step set.
type VarChange struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// Action is a side effect a step emits: a reply, a like, a routing request, a tag, a close.
// Actions leave the engine through the Outbox; the same record is traced and stored.
type Action struct {
	// ID is the idempotency key: the session and the step that emitted it.
	ID   string     `json:"id,omitempty"`
	Type ActionType `json:"type"`
	// Channel and ChannelID say where the action goes; InReplyTo is the interaction it answers.
	Channel   string `json:"channel,omitempty"`
	ChannelID string `json:"channel_id,omitempty"`
	InReplyTo string `json:"in_reply_to,omitempty"`
	// Target is the object acted on: the comment, post or tweet liked, hidden or answered.
	Target string `json:"target,omitempty"`
	// Recipient is the customer a private message goes to.
	Recipient string `json:"recipient,omitempty"`

	Visibility  string       `json:"visibility,omitempty"`
	Text        string       `json:"text,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`

	Skill    string `json:"skill,omitempty"`
	Agent    string `json:"agent,omitempty"`
	Priority int    `json:"priority,omitempty"`
	Outcome  string `json:"outcome,omitempty"`

	Tags        []string `json:"tags,omitempty"`
	Important   bool     `json:"important,omitempty"`
	Disposition string   `json:"disposition,omitempty"`

	Method string `json:"method,omitempty"`
	URL    string `json:"url,omitempty"`
	Status int    `json:"status,omitempty"`
}

// ActionType names an action.
type ActionType string

// The action types.
const (
	ActionReply   ActionType = "reply"
	ActionLike    ActionType = "like"
	ActionRetweet ActionType = "retweet"
	ActionHide    ActionType = "hide"
	// ActionUnhide shows again a comment hidden before.
	ActionUnhide  ActionType = "unhide"
	ActionTag     ActionType = "tag"
	ActionRoute   ActionType = "route"
	ActionClose   ActionType = "close"
	ActionHTTP    ActionType = "http"
	ActionContact ActionType = "contact"
)
