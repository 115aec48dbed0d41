package cmd

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/flows"
)

func translationsCommand(env Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "translations export|import",
		Short: "Hand a flow's texts to translators as PO files, and take their translations back",
		Long: `Translations moves a flow's texts to and from gettext PO files, the format translation tools
and services read. Each text is one entry: its context (msgctxt) is the block and parameter
("greet.text", "greet.text[1]" for a reply's second variant), its msgid the text in the flow's
language and its msgstr the translation. The flow must say its language (language: es).`,
	}
	var language, output string
	export := &cobra.Command{
		Use:   "export --language LANG [-o FILE.po] FLOW",
		Short: "Write a flow's texts as a PO file for translating them into a language",
		Long: `Export writes a PO file of every text of FLOW, with the translations into LANG the flow already
has as msgstr and empty ones where it has none, to standard output or to -o FILE.`,
		Example: "  switchboard translations export --language it -o it.po examples/flows/multilingual.yaml",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if language == "" {
				return usageError("give the language to translate into with --language, such as --language it")
			}
			src, err := os.ReadFile(args[0])
			if err != nil {
				return usageError("%v", err)
			}
			po, err := flows.ExportPO(args[0], src, env.Registry, language)
			if err != nil {
				fmt.Fprintln(env.Stderr, err)
				return problems
			}
			if output == "" {
				_, err = env.Stdout.Write(po)
			} else {
				err = os.WriteFile(output, po, 0o644)
			}
			if err != nil {
				return usageError("%v", err)
			}
			return nil
		},
	}
	export.Flags().StringVar(&language, "language", "", "the language to translate into, such as it")
	export.Flags().StringVarP(&output, "output", "o", "", "write the PO file here instead of standard output")
	var write bool
	imp := &cobra.Command{
		Use:   "import [-w] FLOW FILE.po",
		Short: "Write a PO file's translations into a flow",
		Long: `Import writes the translations of a PO file (its header's Language says into which language)
under the flow's translations, keeping its comments; entries without a translation are left
out. An entry whose text the flow does not have is an error: export the PO file again. The flow
is written in the newest format. Without -w the result is printed.`,
		Example: "  switchboard translations import -w examples/flows/multilingual.yaml it.po",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := os.ReadFile(args[0])
			if err != nil {
				return usageError("%v", err)
			}
			po, err := os.ReadFile(args[1])
			if err != nil {
				return usageError("%v", err)
			}
			out, _, err := flows.ImportPO(args[0], src, po, env.Registry)
			if err != nil {
				fmt.Fprintf(env.Stderr, "%s: %v\n", args[1], err)
				return problems
			}
			if !write {
				_, err = env.Stdout.Write(out)
			} else {
				info, serr := os.Stat(args[0])
				if serr != nil {
					return usageError("%v", serr)
				}
				err = os.WriteFile(args[0], out, info.Mode().Perm())
			}
			if err != nil {
				return usageError("%v", err)
			}
			return nil
		},
	}
	imp.Flags().BoolVarP(&write, "write", "w", false, "write the result to the flow file instead of printing it")
	c.AddCommand(export, imp)
	return c
}
