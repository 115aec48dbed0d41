package bench_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/bench"
	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
)

func loadFlow(tb testing.TB) *engine.Flow {
	tb.Helper()
	f, diags, err := flows.LoadFile("../examples/flows/bench-routing.yaml", blocks.NewRegistry())
	require.NoError(tb, err)
	require.NotNil(tb, f, "bench-routing.yaml: %v", diags)
	return f
}

// runtime is the interpreter with nothing attached: replies leave through no outbox and count
// as sent; the clock is fixed (the flow reads each message's own time).
func newRuntime() *engine.Runtime {
	return &engine.Runtime{Clock: engine.NewManualClock(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))}
}

func interactions() []engine.Interaction {
	msgs := bench.Corpus()
	out := make([]engine.Interaction, len(msgs))
	for i, m := range msgs {
		out[i] = m.Interaction("m" + string(rune('0'+i%10)))
	}
	return out
}

// outcome reads a session's outcome from its trace without building the path.
func outcome(s *engine.Session, t engine.Trace) bench.Outcome {
	var o bench.Outcome
	for i := range t.Len() {
		switch b := t.Block(i); b {
		case "ignored", "after_hours", "queue_priority", "queue":
			o.Exit = b
		}
	}
	for _, a := range t.Actions() {
		if a.Type == engine.ActionReply {
			o.Reply = a.Text
		}
	}
	o.Skill, _ = s.Vars.Get("skill").(string)
	return o
}

func TestRoutingFlowMatchesExpected(t *testing.T) {
	t.Parallel()
	flow, rt := loadFlow(t), newRuntime()
	expected := bench.Expected()
	ins := interactions()
	require.Len(t, ins, 1000)
	require.Len(t, expected, 1000)
	hist := map[string]int{}
	for i, in := range ins {
		s, trace := rt.StartTrace(context.Background(), flow, in, engine.StartOptions{SessionID: "bench"})
		require.Equal(t, engine.StatusEnded, s.Status, "message %d: %s", i+1, s.Error)
		require.Equal(t, expected[i], outcome(s, trace), "message %d: %q", i+1, in.Text)
		hist[expected[i].Exit+"|"+expected[i].Skill]++
	}
	require.Equal(t, 314, hist["ignored|"])
}

// TestRoutingFlowAllocations bounds what the interpreter allocates for the routing workload,
// counted over the whole corpus (allocations are deterministic; this times nothing). Per
// message: the session, which holds its first run's trace and the variables it sets while
// they are few (1); for a message that is answered, the reply and the texts it is built from
// (1). A garbage collection during the count empties the pools of scratch buffers and
// expression machines, whose refills add a few; the bound leaves 50 for them.
func TestRoutingFlowAllocations(t *testing.T) {
	flow, rt := loadFlow(t), newRuntime()
	ins := interactions()
	answered := 0
	for _, o := range bench.Expected() {
		if o.Reply != "" {
			answered++
		}
	}
	ctx := context.Background()
	opts := engine.StartOptions{SessionID: "bench"}
	perCorpus := testing.AllocsPerRun(3, func() {
		for _, in := range ins {
			if s, _ := rt.StartTrace(ctx, flow, in, opts); s.Status != engine.StatusEnded {
				t.Fatalf("%q: %s %s", in.Text, s.Status, s.Error)
			}
		}
	})
	t.Logf("%.0f allocations for %d messages, %d of them answered", perCorpus, len(ins), answered)
	require.LessOrEqual(t, perCorpus, float64(len(ins)+answered+50), "allocations for the %d messages of the corpus", len(ins))
}

func TestRoutingGoMatchesExpected(t *testing.T) {
	t.Parallel()
	r := newDirectRouter()
	expected := bench.Expected()
	for i, m := range bench.Corpus() {
		require.Equal(t, expected[i], r.route(m.Kind, m.Text, m.From.Name, m.TS), "message %d", i+1)
	}
}

// BenchmarkRoutingFlow runs the corpus through bench-routing.yaml; one op is one message.
func BenchmarkRoutingFlow(b *testing.B) {
	flow, rt := loadFlow(b), newRuntime()
	expected := bench.Expected()
	ins := interactions()
	ctx := context.Background()
	opts := engine.StartOptions{SessionID: "bench"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(ins)
		s, trace := rt.StartTrace(ctx, flow, ins[k], opts)
		if got := outcome(s, trace); got != expected[k] {
			b.Fatalf("message %d: want %+v, got %+v", k+1, expected[k], got)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkRoutingGo runs the same logic written directly in Go, the yardstick for the
// interpreter's cost.
func BenchmarkRoutingGo(b *testing.B) {
	r := newDirectRouter()
	msgs := bench.Corpus()
	expected := bench.Expected()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(msgs)
		m := &msgs[k]
		if got := r.route(m.Kind, m.Text, m.From.Name, m.TS); got != expected[k] {
			b.Fatalf("message %d: want %+v, got %+v", k+1, expected[k], got)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// directRouter is the benchmark's logic as plain Go: what a hand-written service would do.
type directRouter struct {
	loc      *time.Location
	keywords []string
	skills   map[string]string
	holidays map[string]bool
}

func newDirectRouter() *directRouter {
	loc, err := time.LoadLocation("America/Argentina/Buenos_Aires")
	if err != nil {
		panic(err)
	}
	r := &directRouter{
		loc:      loc,
		keywords: []string{"reembolso", "factura", "cobro", "cancelar", "roto", "error", "precio", "descuento", "urgente", "reclamo"},
		skills: map[string]string{"reembolso": "billing", "factura": "billing", "cobro": "billing", "cancelar": "retention",
			"roto": "tech_support", "error": "tech_support", "precio": "sales", "descuento": "sales",
			"urgente": "priority_care", "reclamo": "complaints"},
		holidays: map[string]bool{},
	}
	for _, d := range []string{"2026-01-01", "2026-03-24", "2026-04-02", "2026-04-03", "2026-05-01", "2026-05-25", "2026-07-09", "2026-11-23", "2026-12-08", "2026-12-25"} {
		r.holidays[d] = true
	}
	return r
}

func (r *directRouter) route(kind, text, name, ts string) bench.Outcome {
	lower := strings.ToLower(text)
	keyword, at := "", -1
	for _, k := range r.keywords {
		if i := strings.Index(lower, k); i >= 0 && (at < 0 || i < at) {
			keyword, at = k, i
		}
	}
	if keyword == "" {
		return bench.Outcome{Exit: "ignored"}
	}
	skill := r.skills[keyword]
	high := kind == "dm" || keyword == "urgente" || keyword == "reclamo"
	t, err := time.Parse(time.RFC3339, ts)
	open := false
	if err == nil {
		t = t.In(r.loc)
		wd, h := t.Weekday(), t.Hour()
		open = wd >= time.Monday && wd <= time.Friday && h >= 9 && h < 18 && !r.holidays[t.Format("2006-01-02")]
	}
	hello := "Hola" // and the name, when there is one
	if name != "" {
		hello += " " + name
	}
	switch {
	case !open:
		return bench.Outcome{Exit: "after_hours", Skill: skill, Reply: hello + ", recibimos tu mensaje fuera de nuestro horario de atención (lunes a viernes de 9 a 18 hs). Te responderemos a la brevedad."}
	case high:
		return bench.Outcome{Exit: "queue_priority", Skill: skill, Reply: hello + ", un agente de " + skill + " te atenderá en breve."}
	}
	return bench.Outcome{Exit: "queue", Skill: skill, Reply: hello + ", derivamos tu consulta al equipo de " + skill + "."}
}
