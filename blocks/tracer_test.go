package blocks_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
)

// recorder is an engine.Tracer that writes down what it observes.
type recorder struct{ events []string }

type spanKey struct{}

func (r *recorder) StartRun(ctx context.Context, f *engine.Flow, s *engine.Session, resumed bool) (context.Context, engine.RunTracer) {
	kind := "start"
	if resumed {
		kind = "resume"
	}
	r.events = append(r.events, "run "+f.Info.ID+" "+kind)
	return context.WithValue(ctx, spanKey{}, "run"), r
}

func (r *recorder) StartBlock(ctx context.Context, f *engine.Flow, n *engine.Node) context.Context {
	r.events = append(r.events, "block "+n.ID+" in "+ctx.Value(spanKey{}).(string))
	return context.WithValue(ctx, spanKey{}, "block "+n.ID)
}

func (r *recorder) EndBlock(ctx context.Context, exit string, err error) {
	e := "end " + ctx.Value(spanKey{}).(string) + " " + exit
	if err != nil {
		e += " error"
	}
	r.events = append(r.events, e)
}

func (r *recorder) EndRun(s *engine.Session) {
	r.events = append(r.events, "end run "+string(s.Status))
}

func TestTracerSeesRunsAndBlocks(t *testing.T) {
	t.Parallel()
	var seen any
	reg := blocks.NewRegistry().With(
		testSpec("test.wait", []string{"next"}, &testBlock{
			run: func(c *engine.Context) engine.Result {
				seen = c.Context().Value(spanKey{})
				return engine.WaitFor(&engine.Wait{Kind: engine.WaitTimer})
			},
			resume: func(*engine.Context, engine.Event) engine.Result { return engine.Result{Exit: "next"} },
		}),
	)
	f := load(t, reg, flowDoc("traced", "webchat", "b: {type: test.wait, next: {next: e}}\ne: {type: end}\n"))
	rec := &recorder{}
	rt := &engine.Runtime{Tracer: rec}
	s, _ := rt.Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusWaiting, s.Status)
	require.Equal(t, "block b", seen, "a block runs under its own span's context")
	_, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventTimeout, Seq: s.Seq})
	require.NoError(t, err)
	require.Equal(t, []string{
		"run traced start", "block in in run", "end block in message", "block b in run", "end block b ", "end run waiting",
		"run traced resume", "block b in run", "end block b next", "block e in run", "end block e ", "end run ended",
	}, rec.events)
}
