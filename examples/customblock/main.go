// Command switchboard-crm is a custom build of switchboard: the built-in blocks plus
// crm.lookup. Every subcommand knows the new block: validate, fmt, schema, blocks, run, test.
//
//	go run ./examples/customblock blocks crm.lookup
//	go run ./examples/customblock test examples/customblock/flows
package main

import (
	_ "github.com/switchboardhq/switchboard/blocks" // the built-in blocks
	"github.com/switchboardhq/switchboard/cmd"
	_ "github.com/switchboardhq/switchboard/examples/customblock/crm" // registers crm.lookup
)

func main() { cmd.Main() }
