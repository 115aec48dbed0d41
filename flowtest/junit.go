package flowtest

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes results as JUnit XML, which CI systems show as test reports.
func WriteJUnit(w io.Writer, results []*SuiteResult) error {
	var all junitSuites
	var total time.Duration
	for _, s := range results {
		js := junitSuite{Name: s.File}
		var d time.Duration
		if s.Err != nil {
			js.Tests, js.Errors = 1, 1
			js.Cases = append(js.Cases, junitCase{Name: "load", Classname: s.File, File: s.File, Time: "0",
				Error: &junitProblem{Message: s.Err.Error(), Text: s.Err.Error() + "\n" + diagText(s)}})
		}
		for _, c := range s.Cases {
			d += c.Duration
			jc := junitCase{Name: c.Case, Classname: s.File, File: s.File, Line: c.Line, Time: seconds(c.Duration)}
			switch {
			case c.Err != nil:
				jc.Error = &junitProblem{Message: c.Err.Error(), Text: c.Err.Error()}
				js.Errors++
			case len(c.Failures) > 0:
				jc.Failure = &junitProblem{Message: firstLine(c.Failures[0]), Text: strings.Join(c.Failures, "\n")}
				js.Failures++
			}
			js.Tests++
			js.Cases = append(js.Cases, jc)
		}
		js.Time = seconds(d)
		total += d
		all.Tests += js.Tests
		all.Failures += js.Failures
		all.Errors += js.Errors
		all.Suites = append(all.Suites, js)
	}
	all.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func diagText(s *SuiteResult) string {
	var b strings.Builder
	_ = s.Diagnostics.WriteText(&b)
	return b.String()
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
