package main

import (
	_ "github.com/switchboardhq/switchboard/blocks" // the built-in blocks
	"github.com/switchboardhq/switchboard/cmd"
	_ "github.com/switchboardhq/switchboard/examples/customblock/crm" // registers crm.lookup
)

func main() { cmd.Main() }
