// Package bench holds the routing benchmark's workload: 1000 inbound messages and, line for
// line, the outcome a correct routing flow gives each (see README.md). The Go benchmarks beside
// it and `switchboard loadtest` run it through examples/flows/bench-routing.yaml.
package bench
