package cmd

import (
	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/flows"
)

func schemaCommand(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of flow files",
		Long: `Schema prints a JSON Schema (draft 2020-12) of flow files, generated from the registered block
types. Editors use it for completion and checks as you type; with yaml-language-server, save it
and start a flow file with:

  # yaml-language-server: $schema=./switchboard.schema.json`,
		Example: "  switchboard schema > switchboard.schema.json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := env.Stdout.Write(flows.Schema(env.Registry)); err != nil {
				return usageError("%v", err)
			}
			return nil
		},
	}
}
