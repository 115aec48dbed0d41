package flowtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flowtest"
)

// registry holds the built-in blocks; registries are safe for concurrent use.
var registry = blocks.NewRegistry()

// runSuite runs a test file of testdata/ and returns its cases by name.
func runSuite(t *testing.T, file string) (*flowtest.SuiteResult, map[string]flowtest.Result) {
	t.Helper()
	res := flowtest.RunSuite(context.Background(), "testdata/"+file, registry)
	require.NoError(t, res.Err, "%s should load", file)
	byName := map[string]flowtest.Result{}
	for _, c := range res.Cases {
		require.NoError(t, c.Err, "case %q should run", c.Case)
		byName[c.Case] = c
	}
	return res, byName
}

// TestCompare checks what each kind of expectation reports when it is missed, and that what is
// met reports nothing. The cases are in testdata/compare.test.yaml and errors.test.yaml.
func TestCompare(t *testing.T) {
	t.Parallel()
	const fullPath = "chat → ask → wait"
	tests := []struct {
		file, name string
		want       []string
	}{
		{file: "compare.test.yaml", name: "every expectation met"},
		{file: "compare.test.yaml", name: "an empty expectation checks nothing"},
		{file: "compare.test.yaml", name: "status", want: []string{"status: want ended, got waiting"}},
		{file: "compare.test.yaml", name: "path", want: []string{
			"path:\n  want: chat → ask → end\n  got:  " + fullPath,
		}},
		{file: "compare.test.yaml", name: "exits", want: []string{
			"exits.ask: want failed, got sent",
			"exits.bye: want sent, but the block never ran (path: " + fullPath + ")",
			"exits.wait: want replied, got no exit",
		}},
		{file: "compare.test.yaml", name: "actions", want: []string{
			`actions[0].text: want "Hola Ana", got "Hola Sol, te escribe Acme."`,
			`actions[0].text: want text containing "Ana", got "Hola Sol, te escribe Acme."`,
			`actions[0].text: want text matching ^Chau, got "Hola Sol, te escribe Acme."`,
			`actions[1].agent: want "g2", got "g1"`,
			`actions[1].recipient: want "v1", got nothing`,
			"actions[2].text_matches: error parsing regexp: missing closing ): `(`",
			`actions[3]: want {"type":"close"}, but there are only 3 actions`,
		}},
		{file: "compare.test.yaml", name: "vars", want: []string{
			`vars.disposition: want "solved", but it is not set`,
			`vars.score: want 6.5, got 6`,
			`vars.tier: want {"level":1,"plan":"gold"}, got {"level":1,"plan":"basic"}`,
		}},
		{file: "compare.test.yaml", name: "waiting for something else", want: []string{"waiting: want agent, got reply"}},
		{file: "compare.test.yaml", name: "waiting for nothing", want: []string{"waiting: want none, got reply"}},
		{file: "compare.test.yaml", name: "waiting when ended", want: []string{"waiting: want reply, got none"}},
		{file: "compare.test.yaml", name: "an error when there is none", want: []string{`error: want one containing "boom", got none`}},
		{file: "errors.test.yaml", name: "the error met"},
		{file: "errors.test.yaml", name: "a default skill and no agents"},
		{file: "errors.test.yaml", name: "another status", want: []string{
			"status: want ended, got failed (block route (route.skill): no skill: name one, or give the channel a default skill)",
		}},
		{file: "errors.test.yaml", name: "another error", want: []string{
			`error: want one containing "boom", got "block route (route.skill): no skill: name one, or give the channel a default skill"`,
		}},
	}
	results := map[string]map[string]flowtest.Result{}
	for _, file := range []string{"compare.test.yaml", "errors.test.yaml"} {
		_, results[file] = runSuite(t, file)
	}
	checked := map[string]int{}
	for _, tt := range tests {
		checked[tt.file]++
		t.Run(tt.name, func(t *testing.T) {
			c, ok := results[tt.file][tt.name]
			require.True(t, ok, "%s has no case %q", tt.file, tt.name)
			require.Equal(t, tt.want, c.Failures)
			require.Equal(t, len(tt.want) == 0, c.Passed())
		})
	}
	// Cases whose failures are checked below, not in the table.
	checked["compare.test.yaml"] += 2
	for file, cases := range results {
		require.Len(t, cases, checked[file], "every case of %s is checked", file)
	}

	t.Run("extra actions are listed", func(t *testing.T) {
		c := results["compare.test.yaml"]["extra actions"]
		require.Len(t, c.Failures, 1)
		f := c.Failures[0]
		require.True(t, strings.HasPrefix(f, "actions: want 1, got 2; the others:\n  {"), f)
		require.Contains(t, f, `"type":"route"`)
		require.Contains(t, f, `"agent":"g1"`)
		require.Equal(t, 1, strings.Count(f, "\n"), "one line per extra action: %s", f)
	})
	t.Run("expecting no actions lists them all", func(t *testing.T) {
		c := results["compare.test.yaml"]["no actions"]
		require.Len(t, c.Failures, 1)
		require.True(t, strings.HasPrefix(c.Failures[0], "actions: want 0, got 1; the others:\n  {"), c.Failures[0])
		require.Contains(t, c.Failures[0], `"text":"Hola Sol, te escribe Acme."`)
	})
}

func TestRunSuite(t *testing.T) {
	t.Parallel()
	t.Run("a case records its line, outcome and duration", func(t *testing.T) {
		res, cases := runSuite(t, "compare.test.yaml")
		require.Equal(t, "testdata/compare.test.yaml", res.File)
		require.NotNil(t, res.Flow)
		require.Equal(t, "care", res.Flow.Info.ID)
		c := cases["status"]
		require.Equal(t, "testdata/compare.test.yaml", c.Suite)
		require.Equal(t, 29, c.Line)
		require.NotNil(t, c.Outcome)
		require.Positive(t, c.Duration)
	})
	t.Run("a case that cannot run is an error, not a failure", func(t *testing.T) {
		res := flowtest.RunSuite(context.Background(), "testdata/suite.test.yaml", registry)
		require.NoError(t, res.Err)
		c := res.Cases[1]
		require.EqualError(t, c.Err, "event 2: the customer replied, but the session does not wait for a reply (it is failed)")
		require.Empty(t, c.Failures)
		require.False(t, c.Passed())
	})
	t.Run("a test file that does not load", func(t *testing.T) {
		res := flowtest.RunSuite(context.Background(), "testdata/bad/no-cases.test.yaml", registry)
		require.EqualError(t, res.Err, "testdata/bad/no-cases.test.yaml: there are no cases")
		require.Nil(t, res.Flow)
		require.Empty(t, res.Cases)
	})
	t.Run("a flow under test with errors", func(t *testing.T) {
		res := flowtest.RunSuite(context.Background(), "testdata/broken/broken.test.yaml", registry)
		require.EqualError(t, res.Err, "the flow under test, testdata/broken/broken.yaml, has errors")
		require.NotEmpty(t, res.Diagnostics)
		require.Equal(t, "unknown-block-type", res.Diagnostics[0].Code)
		require.Nil(t, res.Flow)
	})
	t.Run("a flow under test that is missing", func(t *testing.T) {
		res := flowtest.RunSuite(context.Background(), "testdata/broken/missing.test.yaml", registry)
		require.ErrorContains(t, res.Err, "nowhere.yaml")
		require.Nil(t, res.Flow)
	})
}

func TestUntaken(t *testing.T) {
	t.Parallel()
	res, _ := runSuite(t, "compare.test.yaml")
	tests := []struct {
		name  string
		taken map[string]map[string]bool
		want  []string
	}{
		{
			name:  "what the cases took",
			taken: res.Taken,
			want:  []string{"ask.failed", "route.timeout", "route.overflow", "route.no_agents", "thanks.failed"},
		},
		{
			name: "nothing taken lists every exit in block order",
			want: []string{"chat.message", "ask.sent", "ask.failed", "wait.replied", "wait.timeout", "score.next",
				"route.done", "route.timeout", "route.overflow", "route.no_agents", "thanks.sent", "thanks.failed"},
		},
		{
			name: "everything taken",
			taken: map[string]map[string]bool{
				"chat": {"message": true}, "ask": {"sent": true, "failed": true}, "wait": {"replied": true, "timeout": true},
				"score": {"next": true}, "route": {"done": true, "timeout": true, "overflow": true, "no_agents": true},
				"thanks": {"sent": true, "failed": true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &flowtest.SuiteResult{Flow: res.Flow, Taken: tt.taken}
			require.Equal(t, tt.want, s.Untaken())
		})
	}
	t.Run("a suite with no flow has nothing untaken", func(t *testing.T) {
		require.Nil(t, (&flowtest.SuiteResult{}).Untaken())
	})
	t.Run("the exits of a subflow are not the flow's", func(t *testing.T) {
		res, _ := runSuite(t, "subflow/caller.test.yaml")
		require.Equal(t, []string{"call.failed"}, res.Untaken())
		require.NotContains(t, res.Taken, "say", "the subflow's blocks are not counted")
	})
}
