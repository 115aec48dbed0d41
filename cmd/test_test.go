package cmd_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/cmd"
)

// durations matches the times test prints, which differ from run to run.
var durations = regexp.MustCompile(`\(\d+(\.\d+)?(ns|µs|ms|s)\)`)

func TestTestExamples(t *testing.T) {
	t.Parallel()
	res := switchboard(t, "", "test", examples)
	require.Equal(t, cmd.ExitOK, res.code, "stdout: %s\nstderr: %s", res.stdout, res.stderr)
	lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	require.NotEmpty(t, lines)
	for _, l := range lines {
		require.Regexp(t, `^ok    \S+\.test\.yaml  (\d+)/\d+ cases, exits taken (\d+)/\d+  \(`, l)
	}
}

func TestTestPassing(t *testing.T) {
	t.Parallel()
	res := switchboard(t, "", "test", "testdata/test/pass")
	require.Equal(t, cmd.ExitOK, res.code, "stdout: %s", res.stdout)
	require.Equal(t, "ok    testdata/test/pass/hello.test.yaml  2/2 cases, exits taken 5/7  (…)\n", durations.ReplaceAllString(res.stdout, "(…)"))

	t.Run("-v lists the cases and the exits no case took", func(t *testing.T) {
		t.Parallel()
		res := switchboard(t, "", "test", "-v", "testdata/test/pass/hello.test.yaml")
		require.Equal(t, cmd.ExitOK, res.code)
		require.Equal(t, "ok    testdata/test/pass/hello.test.yaml  2/2 cases, exits taken 5/7  (…)\n"+
			"  --- ok: an answer is thanked\n"+
			"  --- ok: silence ends the session\n"+
			"  exits no case took: ask.failed, thanks.failed\n", durations.ReplaceAllString(res.stdout, "(…)"))
	})
}

func TestTestFailing(t *testing.T) {
	t.Parallel()
	res := switchboard(t, "", "test", "testdata/test/fail")
	require.Equal(t, cmd.ExitProblems, res.code)
	require.Empty(t, res.stderr)
	golden(t, "testdata/test/fail.golden", durations.ReplaceAllString(res.stdout, "(…)"))
}

func TestTestBadFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want string
	}{
		{"typo.test.yaml", "FAIL  testdata/test/badfile/typo.test.yaml\n      testdata/test/badfile/typo.test.yaml: yaml: unmarshal errors:\n  line 6: a case has no key \"expct\""},
		{"twokinds.test.yaml", "FAIL  testdata/test/badfile/twokinds.test.yaml\n      testdata/test/badfile/twokinds.test.yaml:7: case advance and reply at once: events[0]: an event is one of advance"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			res := switchboard(t, "", "test", "testdata/test/badfile/"+tt.file)
			require.Equal(t, cmd.ExitProblems, res.code)
			require.True(t, strings.HasPrefix(res.stdout, tt.want), "want a line that names the problem:\n%s\ngot:\n%s", tt.want, res.stdout)
		})
	}
}

func TestTestJUnit(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "report.xml")
	res := switchboard(t, "", "test", "--junit", report, "testdata/test")
	require.Equal(t, cmd.ExitProblems, res.code, "stdout: %s", res.stdout)
	data, err := os.ReadFile(report)
	require.NoError(t, err)
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Errors   int    `xml:"errors,attr"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &suites), "the report is XML:\n%s", data)
	require.Equal(t, [3]int{6, 1, 2}, [3]int{suites.Tests, suites.Failures, suites.Errors}, "tests, failures, errors")
	got := map[string][3]int{}
	for _, s := range suites.Suites {
		got[s.Name] = [3]int{s.Tests, s.Failures, s.Errors}
	}
	require.Equal(t, map[string][3]int{
		"testdata/test/badfile/twokinds.test.yaml": {1, 0, 1},
		"testdata/test/badfile/typo.test.yaml":     {1, 0, 1},
		"testdata/test/fail/hello.test.yaml":       {2, 1, 0},
		"testdata/test/pass/hello.test.yaml":       {2, 0, 0},
	}, got)

	t.Run("all passing", func(t *testing.T) {
		t.Parallel()
		report := filepath.Join(t.TempDir(), "report.xml")
		res := switchboard(t, "", "test", "--junit", report, "testdata/test/pass")
		require.Equal(t, cmd.ExitOK, res.code)
		data, err := os.ReadFile(report)
		require.NoError(t, err)
		require.NoError(t, xml.Unmarshal(data, &suites))
		require.Equal(t, [3]int{2, 0, 0}, [3]int{suites.Tests, suites.Failures, suites.Errors})
	})
}

func TestTestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"a path that does not exist", []string{"testdata/test/nowhere"}, "switchboard: lstat testdata/test/nowhere: no such file or directory"},
		{"a directory without tests", []string{"testdata/validate/tree/.hidden"}, "switchboard: no flow test files (*.test.yaml) in [testdata/validate/tree/.hidden]"},
		{"a report that cannot be written", []string{"--junit", "testdata/test/nowhere/report.xml", "testdata/test/pass"},
			"switchboard: open testdata/test/nowhere/report.xml: no such file or directory"},
		{"no arguments", nil, "switchboard: requires at least 1 arg(s), only received 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := switchboard(t, "", append([]string{"test"}, tt.args...)...)
			require.Equal(t, cmd.ExitUsage, res.code, "stdout: %s\nstderr: %s", res.stdout, res.stderr)
			require.Contains(t, res.stderr, tt.wantStderr)
		})
	}
}
