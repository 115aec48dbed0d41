package flowtest_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flowtest"
	"github.com/switchboardhq/switchboard/sim"
)

func TestLoadSuite(t *testing.T) {
	t.Parallel()
	s, err := flowtest.LoadSuite("testdata/suite.test.yaml")
	require.NoError(t, err)
	require.Equal(t, "testdata/suite.test.yaml", s.File)
	require.Equal(t, filepath.Join("testdata", "care.yaml"), s.Flow, "the flow is found beside the test file")
	require.Len(t, s.Cases, 3)

	at := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	defaults := sim.Scenario{
		Interaction: engine.Interaction{Text: "hola", Author: engine.Author{ID: "v1", Name: "Sol"}},
		At:          at,
		Contact:     &engine.Contact{Name: "Sol", VIP: true},
		Agents:      []*engine.MemoryAgent{{ID: "g1", Skills: map[string]int{"care": 10}}},
		Emergency:   map[string]bool{"outage": false},
		Calendars: map[string]*engine.CalendarDef{
			"office": {Name: "office", Timezone: "UTC", Open: map[string][]string{"mon-fri": {"09:00-18:00"}}},
		},
		QueueLimit:   2,
		DefaultSkill: "care",
		Vars:         map[string]any{"brand": "Zeta"},
		Seed:         7,
		Failures:     []engine.ActionType{engine.ActionLike},
	}

	t.Run("a case that sets nothing takes every default", func(t *testing.T) {
		c := s.Cases[0]
		require.Equal(t, "the defaults", c.Name)
		require.Equal(t, 17, c.Line)
		require.Equal(t, defaults, c.Scenario)
		require.Equal(t, engine.StatusWaiting, c.Expect.Status)
	})

	t.Run("a case's own values win over the defaults", func(t *testing.T) {
		c := s.Cases[1]
		require.Equal(t, "everything of its own", c.Name)
		require.Equal(t, 20, c.Line)
		want := sim.Scenario{
			Interaction: engine.Interaction{Channel: "facebook", Kind: "comment", Public: true, Text: "otra",
				Author: engine.Author{ID: "7001"}},
			At:           time.Date(2001, 2, 4, 10, 0, 0, 0, time.FixedZone("", -3*60*60)),
			Contact:      &engine.Contact{Name: "Ana"},
			Agents:       []*engine.MemoryAgent{},
			Emergency:    map[string]bool{"outage": true},
			Calendars:    map[string]*engine.CalendarDef{},
			QueueLimit:   5,
			DefaultSkill: "sales",
			Vars:         map[string]any{"topic": "billing", "score": 1.5},
			Seed:         0,
			Failures:     []engine.ActionType{engine.ActionReply},
			FailNth:      []sim.Nth{{Type: engine.ActionReply, N: 2}, {Type: engine.ActionRoute, N: 1}},
			Events: []sim.Event{
				{Advance: 26 * time.Hour},
				{Reply: &engine.Interaction{Text: "quiero ayuda", Kind: "message"}},
				{Assign: "g1"},
				{Close: &sim.Close{Agent: "g1", Disposition: "solved"}},
			},
		}
		require.True(t, want.At.Equal(c.Scenario.At), "at: want %s, got %s", want.At, c.Scenario.At)
		want.At = c.Scenario.At
		require.Equal(t, want, c.Scenario)

		ex := c.Expect
		require.Equal(t, engine.StatusEnded, ex.Status)
		require.Equal(t, []string{"chat", "ask", "end"}, ex.Path)
		require.Equal(t, map[string]string{"ask": "failed"}, ex.Exits)
		require.Equal(t, []map[string]any{{"type": "reply", "text_contains": "Hola"}}, ex.Actions)
		require.Equal(t, map[string]any{"topic": "billing"}, ex.Vars)
		require.Equal(t, "none", ex.Waiting)
		require.Empty(t, ex.Error)
	})

	t.Run("a case with no name is named by its place", func(t *testing.T) {
		require.Equal(t, "case 3", s.Cases[2].Name)
		require.Equal(t, 46, s.Cases[2].Line)
	})
}

func TestLoadSuiteErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		wantErr string
	}{
		{"no-flow", "testdata/bad/no-flow.test.yaml: name the flow under test with flow: FILE"},
		{"no-cases", "testdata/bad/no-cases.test.yaml: there are no cases"},
		{"not-yaml", "testdata/bad/not-yaml.test.yaml: yaml: line 2: did not find expected node content"},
		{"unknown-file-key", "testdata/bad/unknown-file-key.test.yaml: yaml: unmarshal errors:\n  line 2: a test file has no key \"case\""},
		{"unknown-key", "testdata/bad/unknown-key.test.yaml: yaml: unmarshal errors:\n  line 5: a case has no key \"expct\""},
		{"bad-at", `testdata/bad/bad-at.test.yaml:6: case #2: at "tuesday at ten": write a time such as 2026-11-17T10:00:00-03:00`},
		{"no-time", "testdata/bad/no-time.test.yaml:3: case no time: give the time with at: (a flow test never reads the real clock)"},
		{"missing-expect", "testdata/bad/missing-expect.test.yaml:5: case expects nothing: say what to expect with expect:"},
		{"unknown-expect-key", `testdata/bad/unknown-expect-key.test.yaml:5: case statuss: expect has no "statuss"; it checks status, path, exits, actions, vars, waiting and error`},
		{"bad-expect-value", "testdata/bad/bad-expect-value.test.yaml:5: case a path that is not a list: expect: yaml: unmarshal errors:\n  line 7: cannot unmarshal !!map into []string"},
		{"unknown-action-field", `testdata/bad/unknown-action-field.test.yaml:5: case typ: expect.actions[1]: an action has no "typ"`},
		{"two-kinds", "testdata/bad/two-kinds.test.yaml:7: case advance and assign at once: events[1]: an event is one of advance: DURATION, reply: {text: …}, assign: AGENT or close: {agent, disposition}"},
		{"no-kind", "testdata/bad/no-kind.test.yaml:5: case an empty event: events[0]: an event is one of advance"},
		{"bad-advance", `testdata/bad/bad-advance.test.yaml:5: case fifteen what: events[0]: "15x" is not a duration`},
		{"bad-reply", "testdata/bad/bad-reply.test.yaml:5: case a reply that is text: events[0]: reply: interaction: json: cannot unmarshal string"},
		{"bad-fail", `testdata/bad/bad-fail.test.yaml:5: case the zeroth reply: fail "reply#0": write a type such as reply, or reply#2 for the second reply only`},
		{"bad-interaction", "testdata/bad/bad-interaction.test.yaml:5: case public yes: interaction: json: cannot unmarshal string"},
		{"bad-agents", "testdata/bad/bad-agents.test.yaml:6: case one agent, not a list: agents: json: cannot unmarshal object"},
		{"defaults-expect", "testdata/bad/defaults-expect.test.yaml: defaults: expect belongs in each case"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			s, err := flowtest.LoadSuite("testdata/bad/" + tt.file + ".test.yaml")
			require.Nil(t, s)
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
	t.Run("every bad file is in the table", func(t *testing.T) {
		files, err := filepath.Glob("testdata/bad/*.test.yaml")
		require.NoError(t, err)
		require.Len(t, files, len(tests))
	})
	t.Run("a missing file", func(t *testing.T) {
		_, err := flowtest.LoadSuite("testdata/bad/nowhere.test.yaml")
		require.ErrorIs(t, err, os.ErrNotExist)
	})
}

func TestTestFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{
		"a.test.yaml", "a.yaml", "b.TEST.YML", "notes.md",
		"sub/c.test.yaml", "sub/deeper/d.test.yml", ".hidden/e.test.yaml",
	} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, nil, 0o644))
	}
	tests := []struct {
		name  string
		paths []string
		want  []string
	}{
		{
			name:  "a directory is searched recursively, hidden directories left out",
			paths: []string{dir},
			want:  []string{"a.test.yaml", "b.TEST.YML", "sub/c.test.yaml", "sub/deeper/d.test.yml"},
		},
		{
			name:  "a file named is taken whatever its name",
			paths: []string{filepath.Join(dir, "a.yaml"), filepath.Join(dir, "sub")},
			want:  []string{"a.yaml", "sub/c.test.yaml", "sub/deeper/d.test.yml"},
		},
		{
			name:  "a hidden directory named is searched",
			paths: []string{filepath.Join(dir, ".hidden")},
			want:  []string{".hidden/e.test.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := flowtest.TestFiles(tt.paths...)
			require.NoError(t, err)
			var rel []string
			for _, f := range files {
				r, err := filepath.Rel(dir, f)
				require.NoError(t, err)
				rel = append(rel, filepath.ToSlash(r))
			}
			require.Equal(t, tt.want, rel)
		})
	}
	t.Run("a path that does not exist", func(t *testing.T) {
		_, err := flowtest.TestFiles(filepath.Join(dir, "nowhere"))
		require.ErrorIs(t, err, os.ErrNotExist)
	})
}

func TestIsTestFile(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"care.test.yaml": true, "care.test.yml": true, "dir/Care.Test.YAML": true,
		"care.yaml": false, "care.test.json": false, "test.yaml": false, "care.test.yaml.bak": false,
	} {
		require.Equal(t, want, flowtest.IsTestFile(name), "IsTestFile(%q)", name)
	}
}

// suiteSeeds are small test files, valid and not, for FuzzLoadSuite: the fuzzer mutates small
// inputs thousands of times a second, where big ones keep it minimising.
var suiteSeeds = []string{
	"flow: care.yaml\ncases:\n  - name: hola\n    at: 2001-02-03T04:05:06Z\n    interaction: {text: hola}\n    expect: {status: ended}\n",
	"flow: care.yaml\ndefaults:\n  at: 2001-02-03T04:05:06Z\n  interaction: {channel: facebook, kind: comment, text: hi, author: {id: '7'}}\n" +
		"  agents: [{id: g1, skills: {care: 10}}]\ncases:\n  - name: routed\n    fail: [reply, 'route#1']\n" +
		"    events:\n      - advance: 1h\n      - reply: {text: more}\n      - assign: g1\n      - close: {agent: g1, disposition: ok}\n" +
		"    expect:\n      path: [chat, ask]\n      exits: {ask: sent}\n      actions: [{type: reply, text_contains: Hola}]\n      vars: {n: 1}\n      waiting: none\n",
	"flow: care.yaml\ncases:\n  - name: a reply that is text\n    at: 2001-02-03T04:05:06Z\n    events: [{reply: hi}]\n    expect: {status: waiting}\n",
	"flow: care.yaml\ncases: []\n",
	"cases:\n  - expect: {}\n",
	"",
}

// TestSuiteSeedsAreSmall keeps the seeds small, and some of them valid.
func TestSuiteSeedsAreSmall(t *testing.T) {
	t.Parallel()
	valid := 0
	for _, s := range suiteSeeds {
		require.Less(t, len(s), 1024, "a seed of %d bytes slows the fuzzer down", len(s))
		path := filepath.Join(t.TempDir(), "seed.test.yaml")
		require.NoError(t, os.WriteFile(path, []byte(s), 0o644))
		if _, err := flowtest.LoadSuite(path); err == nil {
			valid++
		}
	}
	require.GreaterOrEqual(t, valid, 2)
}

// FuzzLoadSuite checks that any test file is either refused with an error or loads into cases
// that each have a name and a time.
func FuzzLoadSuite(f *testing.F) {
	for _, s := range suiteSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.test.yaml")
		require.NoError(t, os.WriteFile(path, src, 0o644))
		s, err := flowtest.LoadSuite(path)
		if err != nil {
			require.Nil(t, s)
			return
		}
		require.NotEmpty(t, s.Cases)
		for _, c := range s.Cases {
			require.NotEmpty(t, c.Name)
			require.False(t, c.Scenario.At.IsZero() && c.Scenario.Interaction.Time.IsZero(), "case %q has no time", c.Name)
		}
	})
}
