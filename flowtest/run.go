package flowtest

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/sim"
)

// Result is the outcome of one case.
type Result struct {
	Suite    string
	Case     string
	Line     int
	Duration time.Duration
	// Failures say, one each, what differed from the expectations.
	Failures []string
	// Err is a case that could not run (a bad event, a flow with errors).
	Err     error
	Outcome *sim.Outcome
}

// Passed tells whether the case ran and met every expectation.
func (r *Result) Passed() bool { return r.Err == nil && len(r.Failures) == 0 }

// SuiteResult is the outcome of one test file.
type SuiteResult struct {
	File string
	// Err is a file that could not be loaded, or a flow with errors.
	Err         error
	Diagnostics flows.Diagnostics
	Flow        *engine.Flow
	Cases       []Result
	// Taken records, per block, the exits some case took.
	Taken map[string]map[string]bool
}

// Untaken lists the exits of the flow's blocks that no case took, as block.exit.
func (s *SuiteResult) Untaken() []string {
	if s.Flow == nil {
		return nil
	}
	var out []string
	for _, n := range s.Flow.Nodes {
		for _, e := range n.Exits {
			if !s.Taken[n.ID][e] {
				out = append(out, n.ID+"."+e)
			}
		}
	}
	return out
}

// RunSuite loads a test file and runs its cases.
func RunSuite(ctx context.Context, path string, reg *engine.Registry) *SuiteResult {
	res := &SuiteResult{File: path, Taken: map[string]map[string]bool{}}
	suite, err := LoadSuite(path)
	if err != nil {
		res.Err = err
		return res
	}
	flow, diags, err := flows.LoadFile(suite.Flow, reg)
	if err != nil {
		res.Err = err
		return res
	}
	if flow == nil {
		res.Err, res.Diagnostics = fmt.Errorf("the flow under test, %s, has errors", suite.Flow), diags
		return res
	}
	res.Flow = flow
	loader := &engine.MemoryFlows{Load: flows.DirLoader(filepath.Dir(suite.Flow), reg)}
	for _, c := range suite.Cases {
		r := runCase(ctx, flow, loader, c)
		r.Suite = path
		if r.Outcome != nil {
			for _, st := range r.Outcome.Steps {
				if st.Exit != "" && (st.Flow == "" || st.Flow == flow.Info.ID) {
					if res.Taken[st.Block] == nil {
						res.Taken[st.Block] = map[string]bool{}
					}
					res.Taken[st.Block][st.Exit] = true
				}
			}
		}
		res.Cases = append(res.Cases, r)
	}
	return res
}

func runCase(ctx context.Context, flow *engine.Flow, loader engine.FlowLoader, c Case) Result {
	r := Result{Case: c.Name, Line: c.Line}
	start := time.Now()
	out, err := sim.Run(ctx, flow, c.Scenario, loader)
	r.Duration = time.Since(start)
	if err != nil {
		r.Err = err
		return r
	}
	r.Outcome = out
	r.Failures = check(c.Expect, out)
	return r
}

// check compares an outcome with the expectations and says what differs, readably.
func check(ex Expect, o *sim.Outcome) []string {
	var fails []string
	fail := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }
	if ex.set["status"] && ex.Status != o.Status {
		msg := fmt.Sprintf("status: want %s, got %s", ex.Status, o.Status)
		if o.Error != nil {
			msg += " (" + *o.Error + ")"
		}
		fails = append(fails, msg)
	}
	if ex.set["path"] && !slices.Equal(ex.Path, o.Path) {
		fail("path:\n  want: %s\n  got:  %s", strings.Join(ex.Path, " → "), strings.Join(o.Path, " → "))
	}
	for _, block := range sortedKeys(ex.Exits) {
		want := ex.Exits[block]
		got, ran := lastExit(o, block)
		switch {
		case !ran:
			fail("exits.%s: want %s, but the block never ran (path: %s)", block, want, strings.Join(o.Path, " → "))
		case got != want:
			fail("exits.%s: want %s, got %s", block, want, cmpText(got, "no exit"))
		}
	}
	if ex.set["actions"] {
		fails = append(fails, checkActions(ex.Actions, o.Actions)...)
	}
	for _, name := range sortedKeys(ex.Vars) {
		want := ex.Vars[name]
		got, ok := o.Vars[name]
		switch {
		case !ok:
			fail("vars.%s: want %s, but it is not set", name, jsonText(want))
		case !sameJSON(want, got):
			fail("vars.%s: want %s, got %s", name, jsonText(want), jsonText(got))
		}
	}
	if ex.set["waiting"] {
		got := "none"
		if o.Waiting != nil {
			got = string(o.Waiting.Kind)
		}
		if got != ex.Waiting {
			fail("waiting: want %s, got %s", ex.Waiting, got)
		}
	}
	if ex.set["error"] {
		switch {
		case o.Error == nil:
			fail("error: want one containing %q, got none", ex.Error)
		case !strings.Contains(*o.Error, ex.Error):
			fail("error: want one containing %q, got %q", ex.Error, *o.Error)
		}
	}
	return fails
}

func lastExit(o *sim.Outcome, block string) (string, bool) {
	for i := len(o.Steps) - 1; i >= 0; i-- {
		if o.Steps[i].Block == block && o.Steps[i].Flow == "" {
			return o.Steps[i].Exit, true
		}
	}
	return "", false
}

// actionFields are the keys an expected action may have: the action's own fields, and
// text_contains and text_matches for text.
var actionFields = map[string]bool{
	"type": true, "visibility": true, "text": true, "text_contains": true, "text_matches": true,
	"skill": true, "agent": true, "priority": true, "outcome": true, "tags": true, "important": true,
	"disposition": true, "target": true, "recipient": true, "method": true, "url": true, "status": true,
	"attachments": true, "channel": true,
}

func checkActions(want []map[string]any, got []*engine.Action) []string {
	var fails []string
	for i, w := range want {
		if i >= len(got) {
			fails = append(fails, fmt.Sprintf("actions[%d]: want %s, but there are only %d actions", i, jsonText(w), len(got)))
			continue
		}
		var fields map[string]any
		data, _ := json.Marshal(got[i])
		_ = json.Unmarshal(data, &fields)
		for _, k := range sortedKeys(w) {
			v := w[k]
			switch k {
			case "text_contains":
				if s := fmt.Sprint(v); !strings.Contains(got[i].Text, s) {
					fails = append(fails, fmt.Sprintf("actions[%d].text: want text containing %q, got %q", i, s, got[i].Text))
				}
			case "text_matches":
				re, err := regexp.Compile(fmt.Sprint(v))
				if err != nil {
					fails = append(fails, fmt.Sprintf("actions[%d].text_matches: %v", i, err))
				} else if !re.MatchString(got[i].Text) {
					fails = append(fails, fmt.Sprintf("actions[%d].text: want text matching %s, got %q", i, re, got[i].Text))
				}
			default:
				if !sameJSON(v, fields[k]) {
					fails = append(fails, fmt.Sprintf("actions[%d].%s: want %s, got %s", i, k, jsonText(v), cmpText(jsonText(fields[k]), "nothing")))
				}
			}
		}
	}
	if len(got) > len(want) {
		var extra []string
		for _, a := range got[len(want):] {
			extra = append(extra, jsonText(a))
		}
		fails = append(fails, fmt.Sprintf("actions: want %d, got %d; the others:\n  %s", len(want), len(got), strings.Join(extra, "\n  ")))
	}
	return fails
}

// sameJSON compares two values as JSON sees them, so 1 and 1.0, or a YAML and a Go map, agree.
func sameJSON(a, b any) bool {
	return reflect.DeepEqual(normalize(a), normalize(b))
}

func normalize(v any) any {
	data, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(data, &out) != nil {
		return v
	}
	return out
}

func jsonText(v any) string {
	if v == nil {
		return "null"
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

func cmpText(s, empty string) string {
	if s == "" || s == "null" {
		return empty
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
