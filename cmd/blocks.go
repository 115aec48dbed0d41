package cmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/flows"
)

func blocksCommand(env Env) *cobra.Command {
	var asJSON, markdown bool
	c := &cobra.Command{
		Use:   "blocks [--json | --markdown] [TYPE...]",
		Short: "List the block types with their parameters and exits",
		Long: `Blocks lists the registered block types: built-in ones and those a custom build adds. With type
names, it shows only those. --json prints the catalogue the editor's palette reads; --markdown
prints the block reference (docs/blocks.md).`,
		Example: "  switchboard blocks\n  switchboard blocks calendar.hours\n  switchboard blocks --json",
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && markdown {
				return usageError("--json and --markdown do not go together")
			}
			if markdown {
				_, err := env.Stdout.Write(flows.Reference(env.Registry))
				return err
			}
			cat := flows.Catalogue(env.Registry)
			if len(args) > 0 {
				var picked []flows.BlockInfo
				for _, a := range args {
					found := false
					for _, b := range cat {
						if b.Type == a {
							picked, found = append(picked, b), true
						}
					}
					if !found {
						return usageError("there is no block type %q", a)
					}
				}
				cat = picked
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(cat)
			}
			return writeCatalogue(env, cat, len(args) > 0)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the catalogue as JSON")
	c.Flags().BoolVar(&markdown, "markdown", false, "print the block reference in Markdown")
	return c
}

func writeCatalogue(env Env, cat []flows.BlockInfo, detail bool) error {
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	category := ""
	for _, b := range cat {
		if b.Category != category && !detail {
			category = b.Category
			fmt.Fprintf(w, "\n%s\n", strings.ToUpper(category))
		}
		exits := strings.Join(b.Exits, ", ")
		switch {
		case b.Ends:
			exits = "(ends)"
		case b.ExitsFrom != nil:
			exits = b.ExitsFrom.Describe()
		}
		fmt.Fprintf(w, "  %s\t%s\texits: %s\n", b.Type, b.Title, exits)
		if !detail {
			continue
		}
		fmt.Fprintf(w, "\n  %s\n\n", b.Description)
		for _, p := range b.Params {
			req := "optional"
			if p.Required {
				req = "required"
			} else if p.Default != nil {
				req = fmt.Sprintf("default %v", p.Default)
			}
			fmt.Fprintf(w, "    %s\t%s\t%s\t%s\n", p.Name, p.Kind, req, p.Description)
		}
		fmt.Fprintln(w)
	}
	return w.Flush()
}
