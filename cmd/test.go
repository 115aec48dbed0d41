package cmd

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/flowtest"
)

func testCommand(env Env) *cobra.Command {
	var junit string
	var verbose bool
	c := &cobra.Command{
		Use:   "test [--junit FILE] [-v] PATH...",
		Short: "Run flow tests (*.test.yaml)",
		Long: `Test runs flow test files: each names the flow under test and lists cases, each an interaction
at a chosen time with a contact, agents, emergency switches and follow-up events (the customer
replies, an agent takes or closes the conversation, time advances so timeouts fire), and what
to expect: the path, the exit of each block, the actions, the variables, the final status.

Directories are searched recursively for *.test.yaml files. A failing case prints what differs.
Each file's line also says how many of the flow's exits its cases took; -v lists the others.

Exit status: 0 when every case passes, 1 when any fails, 2 for usage and I/O errors.`,
		Example: "  switchboard test examples/flows\n  switchboard test --junit report.xml flows/",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := flowtest.TestFiles(args...)
			if err != nil {
				return usageError("%v", err)
			}
			if len(files) == 0 {
				return usageError("no flow test files (*.test.yaml) in %v", args)
			}
			var results []*flowtest.SuiteResult
			failed := false
			for _, f := range files {
				res := flowtest.RunSuite(cmd.Context(), f, env.Registry)
				results = append(results, res)
				if !writeSuite(env, res, verbose) {
					failed = true
				}
			}
			if junit != "" {
				out, err := os.Create(junit)
				if err != nil {
					return usageError("%v", err)
				}
				err = flowtest.WriteJUnit(out, results)
				if cerr := out.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					return usageError("%v", err)
				}
			}
			if failed {
				return problems
			}
			return nil
		},
	}
	c.Flags().StringVar(&junit, "junit", "", "also write the results as JUnit XML to FILE")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "list every case, and the exits no case took")
	return c
}

// writeSuite prints one file's results and tells whether it passed.
func writeSuite(env Env, res *flowtest.SuiteResult, verbose bool) bool {
	if res.Err != nil {
		fmt.Fprintf(env.Stdout, "FAIL  %s\n      %v\n", res.File, res.Err)
		_ = res.Diagnostics.WriteText(env.Stdout)
		return false
	}
	var d time.Duration
	passed := 0
	for _, c := range res.Cases {
		d += c.Duration
		if c.Passed() {
			passed++
		}
	}
	total := 0
	for _, n := range res.Flow.Nodes {
		total += len(n.Exits)
	}
	untaken := res.Untaken()
	status := "ok  "
	if passed < len(res.Cases) {
		status = "FAIL"
	}
	fmt.Fprintf(env.Stdout, "%s  %s  %d/%d cases, exits taken %d/%d  (%s)\n", status, res.File, passed, len(res.Cases),
		total-len(untaken), total, d.Round(time.Microsecond))
	for _, c := range res.Cases {
		switch {
		case c.Err != nil:
			fmt.Fprintf(env.Stdout, "  --- FAIL: %s:%d: %s\n      %v\n", res.File, c.Line, c.Case, c.Err)
		case len(c.Failures) > 0:
			fmt.Fprintf(env.Stdout, "  --- FAIL: %s:%d: %s\n", res.File, c.Line, c.Case)
			for _, f := range c.Failures {
				fmt.Fprintf(env.Stdout, "      %s\n", strings.ReplaceAll(f, "\n", "\n      "))
			}
		case verbose:
			fmt.Fprintf(env.Stdout, "  --- ok: %s\n", c.Case)
		}
	}
	if verbose && len(untaken) > 0 {
		fmt.Fprintf(env.Stdout, "  exits no case took: %s\n", strings.Join(untaken, ", "))
	}
	return passed == len(res.Cases)
}
