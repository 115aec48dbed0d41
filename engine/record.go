package engine

import (
	"encoding/json"
	"slices"
	"time"
	"unsafe"
)

// Trace is what one run (StartTrace or ResumeTrace) did: its steps, kept in the compact form the
// interpreter records them in, or as Steps when it was made from them (TraceOf, or read from
// JSON). Step and Steps give them as Steps; a Trace is written to JSON as its Steps are. The zero
// Trace has no steps.
type Trace struct {
	rec   *record
	steps []Step // when rec is nil
}

// TraceOf returns the trace of these steps.
func TraceOf(steps []Step) Trace { return Trace{steps: steps} }

// Len is the number of steps the run ran.
func (t Trace) Len() int {
	if t.rec == nil {
		return len(t.steps)
	}
	return len(t.rec.steps)
}

// IsZero tells whether the trace has no steps.
func (t Trace) IsZero() bool { return t.Len() == 0 }

// Block returns the block step i ran, for 0 <= i < Len: Step(i).Block, without the rest.
func (t Trace) Block(i int) string {
	if t.rec == nil {
		return t.steps[i].Block
	}
	return t.rec.steps[i].node.ID
}

// Step returns step i, for 0 <= i < Len. Its Vars and Actions are the trace's own.
func (t Trace) Step(i int) Step {
	r := t.rec
	if r == nil {
		return t.steps[i]
	}
	ts := &r.steps[i]
	st := Step{Block: ts.node.ID, Type: ts.node.Type, Exit: ts.exit, At: r.at, Duration: ts.duration}
	var varsFrom, actionsFrom uint32
	if i > 0 {
		varsFrom, actionsFrom = r.steps[i-1].varsEnd, r.steps[i-1].actionsEnd
	}
	if n := ts.varsEnd; n > varsFrom {
		st.Vars = r.vars[varsFrom:n:n]
	}
	if n := ts.actionsEnd; n > actionsFrom {
		st.Actions = r.actions[actionsFrom:n:n]
	}
	if i == 0 {
		st.Event = r.event
	}
	if i == len(r.steps)-1 {
		st.Wait = r.wait
	}
	// Notes are added in the order of their steps, one at most per step.
	if j, ok := slices.BinarySearchFunc(r.notes, i, func(n stepNote, i int) int { return n.step - i }); ok {
		st.Flow, st.Error = r.notes[j].flow, r.notes[j].err
	}
	return st
}

// Steps returns the steps, in the order they ran; nil when there are none.
func (t Trace) Steps() []Step {
	if t.rec == nil {
		return t.steps
	}
	n := t.Len()
	if n == 0 {
		return nil
	}
	steps := make([]Step, n)
	for i := range steps {
		steps[i] = t.Step(i)
	}
	return steps
}

// Actions returns the actions the run's steps emitted, in order.
func (t Trace) Actions() []*Action {
	if t.rec == nil {
		var actions []*Action
		for _, st := range t.steps {
			actions = append(actions, st.Actions...)
		}
		return actions
	}
	n := len(t.rec.actions)
	return t.rec.actions[:n:n]
}

// Summary lists the blocks the trace ran, the exit each took ("" where it waited or ended),
// and the actions its steps emitted, in order, as Summarise does with its Steps; never nil.
func (t Trace) Summary() (path, exits []string, actions []*Action) {
	if t.rec == nil {
		return Summarise(t.steps)
	}
	n := t.Len()
	path, exits = make([]string, n), make([]string, n)
	for i, st := range t.rec.steps {
		path[i], exits[i] = st.node.ID, st.exit
	}
	return path, exits, append([]*Action{}, t.rec.actions...)
}

// MarshalJSON writes the trace as its Steps.
func (t Trace) MarshalJSON() ([]byte, error) {
	steps := t.Steps()
	if steps == nil {
		steps = []Step{}
	}
	return json.Marshal(steps)
}

// UnmarshalJSON reads a trace written as its Steps.
func (t *Trace) UnmarshalJSON(data []byte) error {
	var steps []Step
	if err := json.Unmarshal(data, &steps); err != nil {
		return err
	}
	*t = TraceOf(steps)
	return nil
}

// record is what one run leaves behind: its trace, and small buffers that the variables and
// actions it records are cut from. Its working state is the run's, kept from run to run; a
// record is allocated once per run and kept by the trace. A new session and its first record
// are one allocation; the run's first action and the texts it builds are a second, made when
// the run first needs one (a run that only routes makes none).
type record struct {
	steps   []traceStep
	vars    []VarChange // every variable set in this run, in order; the steps end windows of it
	actions []*Action   // likewise for actions
	notes   []stepNote  // what the odd step has besides its block, exit and time
	at      time.Time   // the (injected) clock's time of the run: its steps are one moment
	event   EventKind   // the event that resumed the run's first step, for a Resume
	wait    *Wait       // what the last step waits on, when it waited
	out     *output     // nil until the run builds a text or asks for an action
	varBuf  [4]VarChange
	actBuf  [2]*Action
	stepBuf [8]traceStep
}

// traceStep is one step of a record: the block, the exit it took and how long it took, and
// where its variables and actions end in the record's (they start where the step before ends).
type traceStep struct {
	node       *Node
	exit       string
	duration   time.Duration
	varsEnd    uint32
	actionsEnd uint32
}

// stepNote is what a step of a record has besides the usual: the subflow it ran in, the error
// it failed with.
type stepNote struct {
	step int
	flow string
	err  string
}

// output is the memory a run builds its first action and its texts (replies, ids) in.
type output struct {
	newActs  int       // how many of actStore NewAction gave out
	actStore [1]Action // the first action a block asks NewAction for
	textLen  int       // how much of text is taken
	text     [304]byte // the bytes of the texts the run builds, while they fit
}

// note returns the note of the record's last step, adding it when there is none.
func (rec *record) note() *stepNote {
	i := len(rec.steps) - 1
	if n := len(rec.notes); n == 0 || rec.notes[n-1].step != i {
		rec.notes = append(rec.notes, stepNote{step: i})
	}
	return &rec.notes[len(rec.notes)-1]
}

func (rec *record) output() *output {
	if rec.out == nil {
		rec.out = &output{}
	}
	return rec.out
}

// textBuf returns an empty buffer to build a text in, on the free part of the run's text
// buffer; keepText then takes what was built. Appending past its capacity moves the text to
// memory of its own, as append does.
func (rec *record) textBuf() []byte {
	o := rec.output()
	return o.text[o.textLen:o.textLen]
}

// keepText returns the text built in b (from textBuf) as a string, and takes its bytes from
// the run's text buffer when they are there. The buffer's bytes are written once: a run hands
// out each part of it once, and a record is never reused, so the string never changes; it
// keeps the record's memory alive as long as it is held, like the trace does.
func (rec *record) keepText(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if o := rec.out; o != nil && o.textLen < len(o.text) && &b[0] == &o.text[o.textLen] {
		o.textLen += len(b)
	}
	return unsafe.String(&b[0], len(b))
}

// newAction returns an empty action: the run's first comes from its output memory.
func (rec *record) newAction() *Action {
	if o := rec.output(); o.newActs < len(o.actStore) {
		o.newActs++
		return &o.actStore[o.newActs-1]
	}
	return &Action{}
}

// started is a new session with the record of its first run.
type started struct {
	session Session
	record  record
}
