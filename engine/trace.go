package engine

import "context"

// Tracer observes runs of flows and the blocks they run, for distributed tracing. A Runtime
// whose Tracer is nil observes nothing: the interpreter checks it once per run and pays nothing
// more.
type Tracer interface {
	// StartRun begins a run of flow f for session s under ctx: a new session, or a resumed one
	// when resumed is set. It returns the run's context, under which its blocks run, and what
	// observes the run.
	StartRun(ctx context.Context, f *Flow, s *Session, resumed bool) (context.Context, RunTracer)
}

// RunTracer observes one run of a flow.
type RunTracer interface {
	// StartBlock begins the step of node under the run's context and returns the step's
	// context, which the block reads from Context.Context.
	StartBlock(ctx context.Context, f *Flow, node *Node) context.Context
	// EndBlock ends the step begun with ctx: it left by exit, or failed with err.
	EndBlock(ctx context.Context, exit string, err error)
	// EndRun ends the run with the session as the run left it.
	EndRun(s *Session)
}
