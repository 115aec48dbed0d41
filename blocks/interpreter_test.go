package blocks_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/sim"
)

// How the interpreter treats the built-in blocks and custom ones: block errors, runaway loops,
// panics.

func TestBlockErrorWithoutAnErrorExitFailsTheSession(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, block, err string
	}{
		{"condition", "b: {type: condition, params: {when: 'int(interaction.text) > 1'}, next: {true: x, false: x}}\nx: {type: end}\n",
			`block b (condition): expression "int(interaction.text) > 1": `},
		{"set", "b: {type: set, params: {vars: {n: 'int(interaction.text)'}}, next: {next: x}}\nx: {type: end}\n",
			`block b (set): expression "int(interaction.text)": `},
		{"calendar.hours", "b: {type: calendar.hours, params: {calendar: nowhere}, next: {open: x, closed: x}}\nx: {type: end}\n",
			`block b (calendar.hours): calendar "nowhere": not found`},
		{"a later block", "b: {type: set, params: {vars: {ok: 'true'}}, next: {next: later}}\nlater: {type: condition, params: {when: 'int(interaction.text) > 1'}}\n",
			`block later (condition): `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := around(t, "webchat", tt.block)
			o := play(t, f, sim.Scenario{Interaction: message("not a number")})
			require.Equal(t, engine.StatusFailed, o.Status)
			require.Contains(t, errorOf(o), tt.err)
			require.NotContains(t, o.Path, "x", "a failed session goes no further")
			last := o.Steps[len(o.Steps)-1]
			require.NotEmpty(t, last.Error, "the trace keeps the error on the failing step")
			require.Empty(t, last.Exit)
		})
	}
}

func TestMaxStepsStopsALoop(t *testing.T) {
	t.Parallel()
	// route.skill is a waiting block, so the loop is allowed; with nobody logged in it never
	// waits and the session goes round until the step limit stops it.
	f := around(t, "webchat", `b:
  type: set
  params:
    vars: {tries: 'vars.tries == nil ? 1 : vars.tries + 1'}
  next: {next: route}
route:
  type: route.skill
  params: {skill: billing}
  next: {no_agents: b}
`)
	rt := &engine.Runtime{Router: &engine.MemoryRouter{}, MaxSteps: 50}
	s, trace := rt.Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Len(t, trace, 50)
	require.Contains(t, s.Error, "ran 50 steps without waiting; a loop in the flow never reaches a waiting block")
	require.Regexp(t, `^block (b|route) \((set|route\.skill)\): `, s.Error, "the error names the block it stopped at")
	require.Equal(t, 25, s.Vars.Get("tries"))

	o := play(t, f, sim.Scenario{Interaction: message("hola")})
	require.Equal(t, engine.StatusFailed, o.Status)
	require.Len(t, o.Steps, engine.DefaultMaxSteps)
	require.Contains(t, errorOf(o), "ran 1000 steps without waiting")
}

// testBlock is a custom block whose steps are functions, for tests of the interpreter.
type testBlock struct {
	run    func(c *engine.Context) engine.Result
	resume func(c *engine.Context, ev engine.Event) engine.Result
	ret    func(c *engine.Context, vars map[string]any, failure error) engine.Result
}

func (b *testBlock) Run(c *engine.Context) engine.Result { return b.run(c) }

func (b *testBlock) Resume(c *engine.Context, ev engine.Event) engine.Result {
	return b.resume(c, ev)
}

func (b *testBlock) Return(c *engine.Context, vars map[string]any, failure error) engine.Result {
	return b.ret(c, vars, failure)
}

// testSpec is a custom block type built from b.
func testSpec(typ string, exits []string, b *testBlock) engine.Spec {
	return engine.Spec{
		Type: typ, Title: "Test", Category: "testing", Description: "A block for tests of the interpreter.",
		Exits: exits, Waits: b.resume != nil,
		Build: func(*engine.Params) (engine.Block, error) { return b, nil },
	}
}

func TestPanickingBlockIsABlockError(t *testing.T) {
	t.Parallel()
	boom := func(*engine.Context) engine.Result { panic("boom") }
	reg := blocks.NewRegistry().With(
		testSpec("test.panic", []string{"next"}, &testBlock{run: boom}),
		testSpec("test.panic_failed", []string{"next", "failed"}, &testBlock{run: boom}),
		testSpec("test.panic_resume", []string{"next"}, &testBlock{
			run:    func(c *engine.Context) engine.Result { return engine.WaitFor(&engine.Wait{Kind: engine.WaitTimer}) },
			resume: func(*engine.Context, engine.Event) engine.Result { panic(errors.New("resumed badly")) },
		}),
	)
	_, builtIn := registry.Lookup("test.panic")
	require.False(t, builtIn, "With leaves the registry it copies alone")

	run := func(typ string) (*engine.Session, []engine.Step) {
		f := load(t, reg, flowDoc("test", "webchat", "b: {type: "+typ+"}\n"))
		rt := &engine.Runtime{}
		s, trace := rt.Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
		if s.Status == engine.StatusWaiting {
			more, err := rt.Resume(t.Context(), f, s, engine.Event{Kind: engine.EventTimeout, Seq: s.Seq})
			require.NoError(t, err)
			trace = append(trace, more...)
		}
		return s, trace
	}

	s, trace := run("test.panic")
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Equal(t, "block b (test.panic): internal error: boom", s.Error)
	require.Equal(t, "internal error: boom", trace[1].Error)

	s, trace = run("test.panic_failed")
	require.Equal(t, engine.StatusFailed, s.Status, "a failed exit that is not wired does not hide the failure")
	require.Equal(t, "block b (test.panic_failed): internal error: boom", s.Error)
	require.Equal(t, "internal error: boom", trace[1].Error)

	f := load(t, reg, flowDoc("test", "webchat", "b: {type: test.panic_failed, next: {failed: e}}\ne: {type: end}\n"))
	s, trace = (&engine.Runtime{}).Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusEnded, s.Status, "a block with a wired failed exit leaves by it")
	require.Equal(t, "failed", trace[1].Exit)
	require.Equal(t, "internal error: boom", trace[1].Error)

	s, _ = run("test.panic_resume")
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Equal(t, "block b (test.panic_resume): internal error: resumed badly", s.Error)
}

func TestPanickingReturnIsABlockError(t *testing.T) {
	t.Parallel()
	child := load(t, registry, flowDoc("child", "webchat", "b: {type: end}\n"))
	reg := blocks.NewRegistry().With(testSpec("test.call", []string{"next"}, &testBlock{
		run: func(*engine.Context) engine.Result { return engine.Result{Call: &engine.Call{Flow: child}} },
		ret: func(*engine.Context, map[string]any, error) engine.Result { panic("returned badly") },
	}))
	f := load(t, reg, flowDoc("test", "webchat", "b: {type: test.call}\n"))
	s, _ := (&engine.Runtime{}).Start(t.Context(), f, webchat("hola"), engine.StartOptions{})
	require.Equal(t, engine.StatusFailed, s.Status)
	require.Equal(t, "block b (test.call): internal error: returned badly", s.Error)
}

func TestPanickingBuildIsADiagnostic(t *testing.T) {
	t.Parallel()
	spec := testSpec("test.bad_build", []string{"next"}, &testBlock{})
	spec.Build = func(*engine.Params) (engine.Block, error) { panic("cannot build") }
	f, diags := flowsLoad(t, blocks.NewRegistry().With(spec), flowDoc("test", "webchat", "b: {type: test.bad_build}\n"))
	require.Nil(t, f)
	require.Contains(t, diagText(diags), "block type test.bad_build cannot be built: cannot build")
}
