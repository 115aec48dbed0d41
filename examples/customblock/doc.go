// Command switchboard-crm is a custom build of switchboard: the built-in blocks plus
// crm.lookup. Every subcommand knows the new block: validate, fmt, schema, blocks, run, test.
//
//	go run ./examples/customblock blocks crm.lookup
//	go run ./examples/customblock test examples/customblock/flows
package main
