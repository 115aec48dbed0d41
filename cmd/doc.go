// Package cmd is the switchboard command line, as a library: a custom build registers its own
// blocks and calls Main, and gets every subcommand with those blocks in them.
//
//	package main
//
//	import (
//		"github.com/switchboardhq/switchboard/cmd"
//		_ "github.com/switchboardhq/switchboard/blocks"
//		_ "example.com/acme/crmblock" // registers crm.lookup in init
//	)
//
//	func main() { cmd.Main() }
package cmd
