package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/expr-lang/expr/vm"
)

// Defaults of a Runtime.
const (
	// DefaultMaxSteps bounds the steps one Start or Resume may run before the session fails.
	DefaultMaxSteps = 1000
	// DefaultMaxDepth bounds how deeply subflows may call subflows.
	DefaultMaxDepth = 8
)

// Errors of Resume. A refused event changes nothing.
var (
	// ErrNotWaiting refuses an event for a session that does not wait.
	ErrNotWaiting = errors.New("the session is not waiting")
	// ErrStaleEvent refuses an event for an earlier wait: the session moved on.
	ErrStaleEvent = errors.New("the event is for an earlier wait")
	// ErrUnexpectedEvent refuses an event the wait does not take (a reply while it waits for an agent).
	ErrUnexpectedEvent = errors.New("the session does not wait for this event")
)

// Runtime runs sessions of loaded flows: the interpreter, with the services blocks reach the
// world through. A Runtime is safe for concurrent use; a Session is not.
type Runtime struct {
	Clock     Clock
	Outbox    Outbox
	Router    Router
	Contacts  Contacts
	Switches  Switches
	Calendars Calendars
	HTTP      HTTPDoer
	Flows     FlowLoader
	// MaxSteps bounds one Start or Resume (DefaultMaxSteps when zero).
	MaxSteps int
	// MaxDepth bounds nested subflows (DefaultMaxDepth when zero).
	MaxDepth int
	// Limits are the budgets of one Start or Resume.
	Limits Limits
	// Stopwatch measures how long the steps that reach outside the engine take (Step.Duration);
	// the monotonic clock when nil.
	Stopwatch func() time.Time
	// Tracer observes runs and their blocks; nil observes nothing.
	Tracer Tracer

	runs sync.Pool // *run, the working state of runs that ended
}

// StartOptions are what a new session starts with besides its interaction.
type StartOptions struct {
	SessionID string
	// Contact is the contact as known so far; empty means made up from the author.
	Contact *Contact
	// DefaultSkill is the channel's default skill.
	DefaultSkill string
	// DefaultLanguage is the channel's default language, for contacts whose language is not
	// known, told by the network or detected.
	DefaultLanguage string
	// Vars set variables over the flow's own initial values.
	Vars map[string]any
	// Seed makes random choices repeatable.
	Seed uint64
}

// Start runs a new session of flow for an interaction until it waits or ends. It returns the
// session (running, waiting, ended or failed) and the steps it ran: StartTrace, with the trace
// given as Steps.
func (r *Runtime) Start(ctx context.Context, f *Flow, in Interaction, o StartOptions) (*Session, []Step) {
	s, t := r.StartTrace(ctx, f, in, o)
	return s, t.Steps()
}

// StartTrace runs a new session of flow for an interaction until it waits or ends. It returns
// the session (running, waiting, ended or failed) and the trace of the steps it ran.
func (r *Runtime) StartTrace(ctx context.Context, f *Flow, in Interaction, o StartOptions) (*Session, Trace) {
	// The session and the record of its first run are one allocation, kept by the session.
	st := &started{}
	s := &st.session
	s.ID, s.FlowID, s.FlowVersion, s.Status = o.SessionID, f.Info.ID, f.Info.Version, StatusRunning
	s.Interaction = in
	s.DefaultSkill, s.Seed = o.DefaultSkill, o.Seed
	for _, v := range f.Vars {
		s.Vars.Set(v.Key, v.Value)
	}
	if len(o.Vars) > 0 {
		for name, v := range o.Vars {
			s.Vars.Set(name, v)
		}
	}
	if o.Contact != nil {
		s.Contact = withFirstName(*o.Contact)
	} else {
		// Set field by field on the zeroed session rather than copied whole into it.
		s.Contact.Name, s.Contact.Handle, s.Contact.FirstName = in.Author.Name, in.Author.Handle, FirstNameOf(in.Author.Name)
	}
	s.Contact.Language = contactLanguage(s, f, o.DefaultLanguage)
	entry := f.Entry(in.Channel, in.Kind)
	if entry == nil {
		s.Status, s.Error = StatusFailed, fmt.Sprintf("flow %s has no trigger for the %s channel", f.Info.ID, in.Channel)
		return s, Trace{}
	}
	rn := r.startRun(s, &st.record, f, 1)
	r.advance(ctx, rn, entry, nil)
	r.endRun(rn)
	return s, Trace{rec: &st.record}
}

// Resume delivers an event to a waiting session of flow (the flow the session waits in) and
// runs it until it waits again or ends. A refused event returns an error and changes nothing.
// It is ResumeTrace, with the trace given as Steps.
func (r *Runtime) Resume(ctx context.Context, f *Flow, s *Session, ev Event) ([]Step, error) {
	t, err := r.ResumeTrace(ctx, f, s, ev)
	return t.Steps(), err
}

// ResumeTrace delivers an event to a waiting session of flow (the flow the session waits in)
// and runs it until it waits again or ends, returning the trace of the steps it ran. A refused
// event returns an error and changes nothing.
func (r *Runtime) ResumeTrace(ctx context.Context, f *Flow, s *Session, ev Event) (Trace, error) {
	if s.Status != StatusWaiting || s.Wait == nil {
		return Trace{}, ErrNotWaiting
	}
	if ev.Seq != s.Seq {
		return Trace{}, fmt.Errorf("%w (event %d, session at %d)", ErrStaleEvent, ev.Seq, s.Seq)
	}
	if !s.Wait.Accepts(ev.Kind) {
		return Trace{}, fmt.Errorf("%w: it waits for %s, not %s", ErrUnexpectedEvent, s.Wait.Kind, ev.Kind)
	}
	if f.Info.ID != s.FlowID || f.Info.Version != s.FlowVersion {
		return Trace{}, fmt.Errorf("the session waits in flow %s version %d, not %s version %d", s.FlowID, s.FlowVersion, f.Info.ID, f.Info.Version)
	}
	node := f.Node(s.Block)
	if node == nil {
		return Trace{}, fmt.Errorf("flow %s version %d has no block %s", f.Info.ID, f.Info.Version, s.Block)
	}
	if _, ok := node.Block.(Resumer); !ok {
		return Trace{}, fmt.Errorf("block %s (%s) cannot be resumed", node.ID, node.Type)
	}
	// The callers of a subflow are loaded when the subflow returns to them.
	rec := &record{event: ev.Kind}
	rn := r.startRun(s, rec, f, len(s.Stack)+1)
	if ev.Kind == EventReply && ev.Interaction != nil {
		s.Interaction = *ev.Interaction
	}
	rn.waited = s.Wait
	s.Status, s.Wait = StatusRunning, nil
	r.advance(ctx, rn, node, &ev)
	r.endRun(rn)
	return Trace{rec: rec}, nil
}

// run is the working state of one Start or Resume: what its blocks see, its budget and its
// flows. It is needed only while the run lasts, and is reused by a later run (startRun,
// endRun); what the run leaves behind is in its record.
type run struct {
	*record
	c       Context
	flows   []*Flow // the flow of each stack frame, then the running flow; nil until loaded
	s       *Session
	waited  *Wait // the wait a Resume ends
	budget  budget
	flowBuf [1]*Flow
	vm      *vm.VM // the run's expression machine, kept from run to run
}

// startRun prepares a run of a session whose running flow is f, depth frames deep, that
// records into rec.
func (r *Runtime) startRun(s *Session, rec *record, f *Flow, depth int) *run {
	rn, _ := r.runs.Get().(*run)
	if rn == nil {
		rn = &run{vm: &vm.VM{}}
	}
	rn.record, rn.s = rec, s
	if depth == 1 {
		rn.flows = rn.flowBuf[:1]
	} else {
		rn.flows = make([]*Flow, depth)
	}
	rn.flows[depth-1] = f
	rec.steps, rec.vars, rec.actions = rec.stepBuf[:0], rec.varBuf[:0], rec.actBuf[:0]
	return rn
}

// endRun keeps a run that ended for a later one, holding nothing of this one.
func (r *Runtime) endRun(rn *run) {
	*rn = run{vm: rn.vm}
	r.runs.Put(rn)
}

func (rn *run) flow() *Flow { return rn.flows[len(rn.flows)-1] }

// deadlineEvery is how many steps that do not reach outside the engine run between readings of
// the clock for the run's deadline. Their time is bounded besides by the operation budget.
const deadlineEvery = 32

// lap reads the clock steps are timed on: the Stopwatch, or the monotonic clock.
func (r *Runtime) lap() time.Duration {
	if r.Stopwatch != nil {
		return r.Stopwatch().Sub(monoBase)
	}
	return monotonic()
}

func (r *Runtime) maxSteps() int {
	if r.MaxSteps > 0 {
		return r.MaxSteps
	}
	return DefaultMaxSteps
}

func (r *Runtime) now() time.Time {
	if r.Clock != nil {
		return r.Clock.Now()
	}
	return time.Time{}
}

// advance runs blocks from node until the session waits or ends. ev, when set, resumes node.
func (r *Runtime) advance(ctx context.Context, rn *run, node *Node, ev *Event) {
	s := rn.s
	var tr RunTracer
	if r.Tracer != nil {
		ctx, tr = r.Tracer.StartRun(ctx, rn.flow(), s, ev != nil)
		defer tr.EndRun(s)
	}
	rn.budget.reset(ctx, r.Limits.memory(), r.Limits.operations(), r.Limits.deadline())
	defer rn.budget.release()
	s.Block = r.steps(ctx, rn, node, ev, tr).ID // the block that waits, or ran last
}

// steps runs the steps of advance, and returns the block it ran last. It has no deferred
// calls, which its many returns would make dearer.
func (r *Runtime) steps(ctx context.Context, rn *run, node *Node, ev *Event, tr RunTracer) *Node {
	s := rn.s
	c := &rn.c
	// A run's context starts zeroed: only what stays for the whole run is set here.
	c.rt, c.session, c.vm, c.run = r, s, rn.vm, rn
	now := r.now() // one reading of the clock for the whole run: its steps are one moment
	rn.at = now
	env := &c.env
	env.Interaction, env.Contact, env.vars, env.Now, env.budget = &s.Interaction, &s.Contact, &s.Vars, now, &rn.budget
	// The clock is read where time can pass: as a step that reaches outside the engine starts
	// to (Context.reach) and as it ends, and, for the run's deadline, every deadlineEvery steps
	// that do not. A reading costs as much as a step that only computes.
	var read time.Duration // the time the run's deadline counts, at the last reading
	unread := 0            // steps since then
	var ret *returning     // a subflow that ended, to hand back to its caller's block
	for budget := r.maxSteps(); ; budget-- {
		if budget == 0 {
			r.fail(s, node, fmt.Errorf("ran %d steps without waiting; a loop in the flow never reaches a waiting block", r.maxSteps()))
			return node
		}
		if unread >= deadlineEvery {
			read, unread = rn.budget.since(monotonic()), 0
		}
		if err := rn.budget.step(read); err != nil {
			r.fail(s, node, err)
			return node
		}
		f := rn.flow()
		// The step is set field by field on the zeroed memory past the trace's end rather than
		// copied whole into it.
		if len(rn.steps) < cap(rn.steps) {
			rn.steps = rn.steps[:len(rn.steps)+1]
		} else {
			rn.steps = append(rn.steps, traceStep{})
		}
		step := &rn.steps[len(rn.steps)-1]
		step.node = node
		if len(rn.flows) > 1 {
			rn.note().flow = f.Info.ID
		}
		// Pointers are written only when they change: while a collection runs, each write
		// costs a barrier.
		if c.flow != f {
			c.flow, env.Flow = f, &f.Info
		}
		if c.rng != nil {
			c.rng = nil
		}
		c.node, c.actions, c.reached = node, 0, false
		if tr != nil {
			c.traced = tr.StartBlock(rn.budget.context(), f, node)
		}
		var res Result
		switch {
		case ret != nil:
			res = r.returnBlock(c, node, ret)
			ret = nil
		case ev != nil:
			c.waited = rn.waited
			res = r.resumeBlock(c, node, *ev)
			ev, c.waited = nil, nil
		default:
			res = r.runBlock(c, node)
		}
		if tr != nil {
			tr.EndBlock(c.traced, res.Exit, res.Err)
			c.traced = nil
		}
		s.Steps++
		if c.reached {
			end := r.lap()
			step.duration = end - c.reachedAt
			if r.Stopwatch != nil {
				end = monotonic()
			}
			read, unread = rn.budget.since(end), 0
		} else {
			unread++
		}
		step.varsEnd, step.actionsEnd = uint32(len(rn.vars)), uint32(len(rn.actions))

		if res.Err != nil {
			note := rn.note()
			note.err = res.Err.Error()
			if errors.Is(res.Err, ErrRunStopped) {
				note.err = "block " + node.ID + ": " + note.err // the trace says where a budget ran out
			}
			exit := errorExit(node)
			if res.Close {
				exit = "" // the conversation closes all the same; the step keeps the error
			} else if exit == "" || node.next(exit) == nil {
				if len(s.Stack) == 0 {
					r.fail(s, node, res.Err)
					return node
				}
				// A failing subflow returns to its caller, which leaves by its failed exit.
				failure := fmt.Errorf("flow %s: block %s (%s): %w", f.Info.ID, node.ID, node.Type, res.Err)
				caller, err := r.pop(ctx, rn)
				if err != nil {
					r.fail(s, node, err)
					return node
				}
				ret, node, unread = &returning{err: failure}, caller, deadlineEvery // a flow may have loaded since
				continue
			}
			if exit != "" {
				res = Result{Exit: exit}
			}
		}
		switch {
		case res.Close:
			s.Status, s.Stack = StatusEnded, nil
			return node
		case res.Wait != nil:
			s.Seq++
			s.Status, s.Wait = StatusWaiting, res.Wait
			rn.wait = res.Wait
			return node
		case res.Call != nil:
			if len(s.Stack)+1 >= r.maxDepth() {
				r.fail(s, node, fmt.Errorf("subflows nested more than %d deep", r.maxDepth()))
				return node
			}
			entry := res.Call.Entry
			if entry == nil {
				entry = res.Call.Flow.Entry(s.Interaction.Channel, s.Interaction.Kind)
			}
			if entry == nil {
				ret = &returning{err: fmt.Errorf("flow %s has no trigger for the %s channel", res.Call.Flow.Info.ID, s.Interaction.Channel)}
				continue
			}
			s.Stack = append(s.Stack, Frame{FlowID: s.FlowID, FlowVersion: s.FlowVersion, Block: node.ID, Vars: s.Vars})
			rn.flows = append(rn.flows, res.Call.Flow)
			s.FlowID, s.FlowVersion = res.Call.Flow.Info.ID, res.Call.Flow.Info.Version
			s.Vars = childVars(res.Call)
			node = entry
			continue
		}
		step.exit = res.Exit
		var next *Node
		if res.Exit != "" {
			next = node.next(res.Exit)
		}
		if next != nil {
			node = next
			continue
		}
		// The flow ends here: return to the caller of a subflow, or end the session.
		if len(s.Stack) == 0 {
			s.Status = StatusEnded
			return node
		}
		vars := s.Vars.Map()
		caller, err := r.pop(ctx, rn)
		if err != nil {
			r.fail(s, node, err)
			return node
		}
		ret, node, unread = &returning{vars: vars}, caller, deadlineEvery // a flow may have loaded since
	}
}

// pop ends the running subflow and returns to the block that called it, loading the caller's
// flow when this run did not start in it.
func (r *Runtime) pop(ctx context.Context, rn *run) (*Node, error) {
	s := rn.s
	fr := s.Stack[len(s.Stack)-1]
	s.Stack = s.Stack[:len(s.Stack)-1]
	rn.flows = rn.flows[:len(rn.flows)-1]
	f := rn.flows[len(rn.flows)-1]
	if f == nil {
		if r.Flows == nil {
			return nil, fmt.Errorf("cannot return to flow %s: no flow loader", fr.FlowID)
		}
		var err error
		if f, err = r.Flows.LoadFlow(ctx, fr.FlowID, fr.FlowVersion); err != nil {
			return nil, fmt.Errorf("return to flow %s version %d: %w", fr.FlowID, fr.FlowVersion, err)
		}
		rn.flows[len(rn.flows)-1] = f
	}
	s.FlowID, s.FlowVersion, s.Vars = fr.FlowID, fr.FlowVersion, fr.Vars
	node := f.Node(fr.Block)
	if node == nil {
		return nil, fmt.Errorf("flow %s version %d has no block %s to return to", fr.FlowID, fr.FlowVersion, fr.Block)
	}
	return node, nil
}

// returning carries a subflow's outcome back to the block that called it.
type returning struct {
	vars map[string]any
	err  error
}

func (r *Runtime) maxDepth() int {
	if r.MaxDepth > 0 {
		return r.MaxDepth
	}
	return DefaultMaxDepth
}

func childVars(call *Call) Vars {
	var vars Vars
	for _, v := range call.Flow.Vars {
		vars.Set(v.Key, v.Value)
	}
	for name, v := range call.Vars {
		vars.Set(name, v)
	}
	return vars
}

// runBlock runs a block, turning a panic into a block error: one bad block must not take the
// process down.
func (r *Runtime) runBlock(c *Context, node *Node) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res = Fail(fmt.Errorf("internal error: %v", p))
		}
	}()
	return node.BlockFor(c.session.Contact.Language).Run(c)
}

// resumeBlock resumes a waiting block, turning a panic into a block error.
func (r *Runtime) resumeBlock(c *Context, node *Node, ev Event) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res = Fail(fmt.Errorf("internal error: %v", p))
		}
	}()
	return node.BlockFor(c.session.Contact.Language).(Resumer).Resume(c, ev)
}

// returnBlock hands a subflow's outcome back to the block that called it, turning a panic into
// a block error.
func (r *Runtime) returnBlock(c *Context, node *Node, ret *returning) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res = Fail(fmt.Errorf("internal error: %v", p))
		}
	}()
	return node.BlockFor(c.session.Contact.Language).(Returner).Return(c, ret.vars, ret.err)
}

// errorExit returns the exit a failing block leaves by: failed or error, when it has one. An
// error whose exit is not wired fails the session, as if the block had no such exit.
func errorExit(n *Node) string {
	for _, e := range []string{"failed", "error"} {
		if n.HasExit(e) {
			return e
		}
	}
	return ""
}

func (r *Runtime) fail(s *Session, n *Node, err error) {
	s.Status = StatusFailed
	s.Error = fmt.Sprintf("block %s (%s): %v", n.ID, n.Type, err)
}
