package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/expr-lang/expr/vm"
)

// Block is the runtime of one block of a loaded flow. A Block is shared by every session of
// its flow version, concurrently: whatever a session needs to remember lives in the session
// (its variables, or its Wait's State), never in the Block.
type Block interface {
	Run(c *Context) Result
}

// Resumer is a block that waits. Resume is called with the event that ends the wait.
type Resumer interface {
	Resume(c *Context, ev Event) Result
}

// Returner is a block that calls a subflow; Return is called when the subflow ends, with its
// variables, or with the reason it failed.
type Returner interface {
	Return(c *Context, vars map[string]any, failure error) Result
}

// Result is what a block did in one step: took an exit, waits, failed, called a subflow or
// closed the conversation. The zero Result ends the flow there.
type Result struct {
	Exit string
	Wait *Wait
	Err  error
	// Call runs a subflow; the block's Return is called when it ends.
	Call *Call
	// Close ends the session, subflows and callers alike: the conversation is over. An Err
	// beside it is recorded in the trace and does not stop the close.
	Close bool
}

// Call asks the interpreter to run a subflow.
type Call struct {
	Flow *Flow
	// Entry is the block to start at; nil enters by the trigger for the interaction.
	Entry *Node
	Vars  map[string]any
}

// Next returns a Result that takes an exit.
func Next(exit string) Result { return Result{Exit: exit} }

// WaitFor returns a Result that waits.
func WaitFor(w *Wait) Result { return Result{Wait: w} }

// Fail returns a Result for a block error: the block's failed or error exit when it has one,
// otherwise the session fails.
func Fail(err error) Result { return Result{Err: err} }

// Context is what a block sees while it runs one step of one session.
type Context struct {
	rt      *Runtime
	session *Session
	flow    *Flow
	node    *Node
	env     Env
	vm      *vm.VM
	rng     *rand.Rand
	actions int
	waited  *Wait
	run     *run
	traced  context.Context // the step's context when a Tracer observes the run; nil otherwise
	// reached is set when the step first reaches outside the engine, at reachedAt on the
	// clock steps are timed on (Runtime.lap): the step is timed from there.
	reached   bool
	reachedAt time.Duration
}

// reach marks the step as reaching outside the engine: through the run's context, or the
// runtime's services. Such a step can wait on the world, so it is timed.
func (c *Context) reach() {
	if !c.reached {
		c.reached, c.reachedAt = true, c.rt.lap()
		if c.rt.Stopwatch == nil {
			c.run.budget.since(c.reachedAt) // the deadline counts from here at the latest
		}
	}
}

// Context returns the run's context: the caller's, with the run's deadline.
func (c *Context) Context() context.Context {
	c.reach()
	if c.traced != nil {
		return c.traced
	}
	return c.run.budget.context()
}

// Runtime returns the runtime the session runs in, for its services.
func (c *Context) Runtime() *Runtime {
	c.reach()
	return c.rt
}

// Session returns the running session.
func (c *Context) Session() *Session { return c.session }

// Flow returns the running flow version.
func (c *Context) Flow() *Flow { return c.flow }

// Node returns the running block.
func (c *Context) Node() *Node { return c.node }

// Now returns the injected clock's time.
func (c *Context) Now() time.Time { return c.env.Now }

// Rand returns a random source that is the same for the same session seed and step, so runs
// replay exactly.
func (c *Context) Rand() *rand.Rand {
	if c.rng == nil {
		c.rng = rand.New(rand.NewPCG(c.session.Seed, uint64(c.session.Steps)))
	}
	return c.rng
}

// Waited returns the wait a resumed block is being resumed from (never nil in Resume).
func (c *Context) Waited() *Wait {
	if c.waited == nil {
		return &Wait{}
	}
	return c.waited
}

// Interaction returns the interaction being handled.
func (c *Context) Interaction() *Interaction { return &c.session.Interaction }

// Contact returns the session's contact.
func (c *Context) Contact() *Contact { return &c.session.Contact }

// SetContact replaces the session's contact; a contact without a first name takes the first
// word of its name.
func (c *Context) SetContact(ct Contact) {
	if ct.Language == "" { // a contact looked up keeps the language the session speaks
		ct.Language = c.session.Contact.Language
	}
	c.session.Contact = withFirstName(ct)
}

// SetLanguage sets the contact's language (a code such as it, or a locale such as it_IT): the
// blocks after it use the flow's translation into that language.
func (c *Context) SetLanguage(lang string) error {
	l := LanguageOf(lang)
	if l == "" {
		return fmt.Errorf("%q is not a language; give a code such as es, it or fr", lang)
	}
	c.session.Contact.Language = l
	c.run.vars = append(c.run.vars, VarChange{Name: "contact.language", Value: l})
	return nil
}

// Env returns the expression environment of this step.
func (c *Context) Env() *Env { return &c.env }

// Eval evaluates an expression in the session's environment.
func (c *Context) Eval(e *Expression) (any, error) { return e.Eval(c.vm, &c.env) }

// EvalText evaluates an expression to text.
func (c *Context) EvalText(e *Expression) (string, error) { return e.Text(c.vm, &c.env) }

// EvalTime evaluates an expression to a time; ok is false when the value is not a time.
func (c *Context) EvalTime(e *Expression) (t time.Time, ok bool, err error) {
	return e.Time(c.vm, &c.env)
}

// EvalBool evaluates a boolean expression.
func (c *Context) EvalBool(e *Expression) (bool, error) {
	v, err := c.Eval(e)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok && v != nil {
		return false, typeError(e, "true or false", v)
	}
	return b, nil
}

// EvalInt evaluates an integer expression.
func (c *Context) EvalInt(e *Expression) (int, error) {
	v, err := c.Eval(e)
	if err != nil {
		return 0, err
	}
	switch n := v.(type) {
	case int:
		return n, nil
	case int64:
		return int(n), nil
	case float64:
		return int(n), nil
	case nil:
		return 0, nil
	}
	return 0, typeError(e, "a number", v)
}

// Reserve counts n bytes a block is about to build from the values of expressions (a JSON
// body, say) against the run's memory budget; it fails, naming what, when they do not fit.
func (c *Context) Reserve(n int64, what string) error { return c.env.budget.alloc(n, what) }

// MemoryLeft is what remains of the run's memory budget, in bytes.
func (c *Context) MemoryLeft() int64 {
	if b := c.env.budget; b != nil {
		return b.memoryLimit - b.memory
	}
	return DefaultMemoryBudget
}

// Render renders a template in the session's environment.
func (c *Context) Render(t *Template) (string, error) {
	if s, ok := t.Literal(); ok {
		return s, nil
	}
	b, err := t.appendTo(c.run.textBuf(), c.vm, &c.env)
	if err != nil {
		return "", err
	}
	return c.run.keepText(b), nil
}

// Var returns a session variable.
func (c *Context) Var(name string) any { return c.session.Vars.Get(name) }

// SetVar sets a session variable; the trace records it.
func (c *Context) SetVar(name string, v any) {
	c.session.Vars.Set(name, v)
	c.run.vars = append(c.run.vars, VarChange{Name: name, Value: v})
}

// Emit records an action in the trace and hands it to the outbox. It fills in the action's id,
// channel and the interaction it answers when the block left them empty.
func (c *Context) Emit(a *Action) SendResult {
	c.actions++
	id := append(c.run.textBuf(), c.session.ID...)
	id = append(strconv.AppendInt(append(id, '/'), int64(c.session.Steps), 10), '.')
	a.ID = c.run.keepText(strconv.AppendInt(id, int64(c.actions), 10))
	in := &c.session.Interaction
	if a.Channel == "" {
		a.Channel = in.Channel
	}
	if a.ChannelID == "" {
		a.ChannelID = in.ChannelID
	}
	if a.InReplyTo == "" {
		a.InReplyTo = in.ID
	}
	c.run.actions = append(c.run.actions, a)
	if c.rt.Outbox == nil {
		return SendResult{}
	}
	return c.rt.Outbox.Send(c.Context(), a)
}

// Ref returns an id for what this step waits on: the session and step.
func (c *Context) Ref() string {
	ref := append(c.run.textBuf(), c.session.ID...)
	return c.run.keepText(strconv.AppendInt(append(ref, '/'), int64(c.session.Steps), 10))
}

// NewAction returns an empty action for the block to fill and Emit. The first action of a run
// comes from the run's own memory, which the trace keeps; later ones are allocated.
func (c *Context) NewAction() *Action {
	return c.run.newAction()
}
