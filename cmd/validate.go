package cmd

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/flows"
)

func validateCommand(env Env) *cobra.Command {
	var format, server, token string
	var strict bool
	var languages []string
	c := &cobra.Command{
		Use:   "validate [--format text|json|github] [--strict] [--languages LANG,...] [--server URL --token TOKEN] PATH...",
		Short: "Check flow files and report every problem with its line and column",
		Long: `Validate checks flow files: their syntax, block types, parameters, expressions, wiring, and the
shape of the graph. Directories are searched recursively for *.yaml, *.yml and *.json files
(*.test.yaml files are flow tests, for 'switchboard test').

With --server, the skills, calendars, emergency switches and subflows the flows name are also
checked against what that server has (unknown-skill, unknown-calendar, unknown-switch,
unknown-flow), as errors, as the server does on publish. It needs a --token (or
$SWITCHBOARD_TOKEN) of an admin, designer or supervisor.

With --languages es,it,fr every text (a reply's text, a closing message...) that has no
translation into one of those languages is an error (missing-translation) at the text's line
and column; the flow's own language needs none.

Formats:
  text    file:line:col: severity: message [code]   (the default)
  github  ::error file=…,line=…,col=…::…            (annotations in GitHub Actions)
  json    an array of {file, line, column, severity, code, path, message}

Exit status: 0 with no errors (warnings allowed), 1 with any error (or any warning with
--strict), 2 for usage and I/O errors.`,
		Example: "  switchboard validate examples/flows\n  switchboard validate --format github --strict flows/\n" +
			"  SWITCHBOARD_TOKEN=sbt_… switchboard validate --server https://switchboard.example.com flows/",
		Args: cobra.MinimumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml", "json"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			write, err := diagnosticWriter(format)
			if err != nil {
				return err
			}
			files, err := expandPaths(args, isFlowFile)
			if err != nil {
				return usageError("%v", err)
			}
			if len(files) == 0 {
				return usageError("no flow files (*.yaml, *.yml, *.json) in %v", args)
			}
			for _, l := range languages {
				if !flows.LanguagePattern.MatchString(l) {
					return usageError("--languages: %q is not a language code; write codes such as es,it,fr", l)
				}
			}
			var refs flows.References
			if server != "" {
				if refs, err = newServerReferences(cmd.Context(), server, token); err != nil {
					return err
				}
			}
			var all flows.Diagnostics
			for _, f := range files {
				src, err := os.ReadFile(f)
				if err != nil {
					return usageError("%v", err)
				}
				ds := flows.Validate(f, src, env.Registry)
				if len(languages) > 0 {
					ds = append(ds, flows.MissingTranslations(f, src, env.Registry, languages)...)
					ds.Sort()
				}
				if refs != nil {
					more, err := flows.CheckReferences(f, src, env.Registry, refs, flows.Error)
					if err != nil {
						return usageError("ask %s: %v", server, err)
					}
					ds = append(ds, more...)
					ds.Sort()
				}
				all = append(all, ds...)
			}
			if err := write(all, env.Stdout); err != nil {
				return usageError("%v", err)
			}
			errs, warns := all.Count()
			if format == "text" {
				fmt.Fprintf(env.Stderr, "%d %s checked: %d %s, %d %s\n", len(files), plural(len(files), "file", "files"),
					errs, plural(errs, "error", "errors"), warns, plural(warns, "warning", "warnings"))
			}
			if errs > 0 || (strict && warns > 0) {
				return problems
			}
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text, json or github")
	c.Flags().BoolVar(&strict, "strict", false, "fail on warnings too")
	c.Flags().StringSliceVar(&languages, "languages", nil, "report every text without a translation into these languages, such as es,it,fr")
	c.Flags().StringVar(&server, "server", "", "also check the names of skills, calendars, switches and subflows against this server")
	c.Flags().StringVar(&token, "token", "", "a token for --server: admin, designer or supervisor")
	secretFlags(c, "token")
	configure(c, "server", "token")
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "github"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func diagnosticWriter(format string) (func(flows.Diagnostics, io.Writer) error, error) {
	switch format {
	case "text":
		return flows.Diagnostics.WriteText, nil
	case "json":
		return flows.Diagnostics.WriteJSON, nil
	case "github":
		return flows.Diagnostics.WriteGitHub, nil
	}
	return nil, usageError("unknown format %q: use text, json or github", format)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
