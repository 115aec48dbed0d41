package cmd

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/flows"
)

func fmtCommand(env Env) *cobra.Command {
	var write, check, upgrade bool
	c := &cobra.Command{
		Use:   "fmt [-w] [--check] [--upgrade] PATH...",
		Short: "Rewrite flow files in canonical form",
		Long: `Fmt rewrites flow files in canonical form: the format's key order (switchboard, id, name,
description, vars, blocks; type, params, next, ui in each block), parameters and exits in the
order of the block's spec, two-space indentation. Blocks stay in the order written and comments
are kept. JSON files stay JSON. Keys and values that YAML 1.1 readers take for booleans,
numbers or dates are quoted ("on":, "y":, "12:30").

A file keeps its format version (switchboard: N). --upgrade rewrites files of older formats in
the newest one, keeping their comments; switchboard reads every older format as it is, so
upgrading is needed only to use what a newer format adds.

Without -w or --check the formatted files are printed. --check lists the files that would change
and exits 1 if there are any. A file that cannot be parsed is reported and fmt exits 1.`,
		Example: "  switchboard fmt -w examples/flows\n  switchboard fmt --check flows/\n  switchboard fmt --upgrade -w flows/",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if write && check {
				return usageError("-w and --check do not go together")
			}
			files, err := expandPaths(args, isFlowFile)
			if err != nil {
				return usageError("%v", err)
			}
			failed := false
			for _, f := range files {
				src, err := os.ReadFile(f)
				if err != nil {
					return usageError("%v", err)
				}
				format := flows.Format
				if upgrade {
					format = flows.Upgrade
				}
				out, diags := format(f, src, env.Registry)
				if out == nil {
					_ = diags.WriteText(env.Stderr)
					failed = true
					continue
				}
				switch {
				case check:
					if !bytes.Equal(src, out) {
						fmt.Fprintln(env.Stdout, f)
						failed = true
					}
				case write:
					if bytes.Equal(src, out) {
						continue
					}
					info, err := os.Stat(f)
					if err != nil {
						return usageError("%v", err)
					}
					if err := os.WriteFile(f, out, info.Mode().Perm()); err != nil {
						return usageError("%v", err)
					}
				default:
					if _, err := env.Stdout.Write(out); err != nil {
						return usageError("%v", err)
					}
				}
			}
			if failed {
				return problems
			}
			return nil
		},
	}
	c.Flags().BoolVarP(&write, "write", "w", false, "write the result to the files instead of printing it")
	c.Flags().BoolVar(&check, "check", false, "list the files that are not formatted and exit 1 if any")
	c.Flags().BoolVar(&upgrade, "upgrade", false, "write files of older flow formats in the newest one")
	return c
}
