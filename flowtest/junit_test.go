package flowtest_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/flowtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with the current output")

// golden compares got with a file of testdata/, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to write the golden file")
	require.Equal(t, string(want), string(got), "%s differs; run go test -update if the change is intended", path)
}

// The JUnit shape CI systems read, decoded independently of the writer's own types.
type junitReport struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Time     string `xml:"time,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			File      string `xml:"file,attr"`
			Line      int    `xml:"line,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestWriteJUnit(t *testing.T) {
	t.Parallel()
	results := []*flowtest.SuiteResult{
		{
			File: "flows/care.test.yaml",
			Cases: []flowtest.Result{
				{Case: "routes to care", Line: 4, Duration: 1500 * time.Microsecond},
				{Case: "closes <late> & \"politely\"", Line: 9, Duration: 2 * time.Millisecond,
					Failures: []string{"path:\n  want: chat → end\n  got:  chat → ask", "status: want ended, got waiting"}},
				{Case: "replies twice", Line: 15, Duration: 500 * time.Microsecond,
					Err: errors.New("event 1: the session is ended, not waiting")},
			},
		},
		{
			File: "flows/broken.test.yaml",
			Err:  errors.New("the flow under test, flows/broken.yaml, has errors"),
			Diagnostics: flows.Diagnostics{{File: "flows/broken.yaml", Line: 8, Column: 11, Severity: flows.Error,
				Code: "unknown-block-type", Path: "blocks.hello.type", Message: `there is no block type "replly"`}},
		},
	}
	var out bytes.Buffer
	require.NoError(t, flowtest.WriteJUnit(&out, results))
	golden(t, "junit.golden.xml", out.Bytes())

	var report junitReport
	require.NoError(t, xml.Unmarshal(out.Bytes(), &report), "the report is XML:\n%s", out.String())
	require.Equal(t, 4, report.Tests)
	require.Equal(t, 1, report.Failures)
	require.Equal(t, 2, report.Errors)
	require.Equal(t, "0.004", report.Time)
	require.Len(t, report.Suites, 2)

	care := report.Suites[0]
	require.Equal(t, "flows/care.test.yaml", care.Name)
	require.Equal(t, [3]int{3, 1, 1}, [3]int{care.Tests, care.Failures, care.Errors})
	require.Equal(t, "0.004", care.Time)
	require.Len(t, care.Cases, 3)
	passed, failed, broken := care.Cases[0], care.Cases[1], care.Cases[2]
	require.Equal(t, "routes to care", passed.Name)
	require.Equal(t, "flows/care.test.yaml", passed.Classname)
	require.Equal(t, "flows/care.test.yaml", passed.File)
	require.Equal(t, 4, passed.Line)
	require.Equal(t, "0.002", passed.Time)
	require.Nil(t, passed.Failure)
	require.Nil(t, passed.Error)
	require.Equal(t, `closes <late> & "politely"`, failed.Name)
	require.NotNil(t, failed.Failure)
	require.Equal(t, "path:", failed.Failure.Message, "the message is the first line of the first failure")
	require.Equal(t, "path:\n  want: chat → end\n  got:  chat → ask\nstatus: want ended, got waiting", failed.Failure.Text)
	require.NotNil(t, broken.Error)
	require.Equal(t, "event 1: the session is ended, not waiting", broken.Error.Message)

	load := report.Suites[1]
	require.Equal(t, [3]int{1, 0, 1}, [3]int{load.Tests, load.Failures, load.Errors})
	require.Len(t, load.Cases, 1)
	require.Equal(t, "load", load.Cases[0].Name)
	require.NotNil(t, load.Cases[0].Error)
	require.Equal(t, "the flow under test, flows/broken.yaml, has errors", load.Cases[0].Error.Message)
	require.Contains(t, load.Cases[0].Error.Text, `flows/broken.yaml:8:11: error: there is no block type "replly" [unknown-block-type]`)
}

func TestWriteJUnitEmpty(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, flowtest.WriteJUnit(&out, nil))
	var report junitReport
	require.NoError(t, xml.Unmarshal(out.Bytes(), &report))
	require.Zero(t, report.Tests)
	require.Empty(t, report.Suites)
}

// failingWriter fails every write, like a full disk.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteJUnitWriteError(t *testing.T) {
	t.Parallel()
	require.EqualError(t, flowtest.WriteJUnit(failingWriter{}, nil), "disk full")
}
