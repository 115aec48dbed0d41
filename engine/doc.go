// Package engine is Switchboard's block SDK and interpreter.
//
// A block type is described once by a [Spec]: its parameters, its exits and how to build its
// runtime from validated parameters. Specs live in a [Registry]; the same registry drives the
// flow validator, the JSON Schema, the generated block reference and the editor's palette.
//
// A loaded flow version is a [Flow]: a graph of [Node]s whose parameters are already decoded and
// whose expressions are already compiled. The interpreter runs sessions of a Flow step by step.
// Side effects leave the engine through small interfaces, so the same interpreter serves the
// command line, flow tests, the benchmarks and the server.
//
// The engine knows nothing of HTTP, SQL or YAML.
package engine
