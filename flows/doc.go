// Package flows reads, checks, formats and describes Switchboard flow documents.
//
// A flow file is YAML or JSON; both go through the same yaml.v3 node walk, so every element
// keeps its line and column. [Compile] parses a file, checks it against a block registry and,
// when it has no errors, returns the loaded [engine.Flow] with every expression compiled.
// Problems come back as [Diagnostics]: all of them, each with a position, a stable code, the
// path inside the document and a message that says how to fix it.
//
// [Format] rewrites a file in canonical form, [Schema] describes flow files as JSON Schema,
// and [Reference] writes the block reference, all from the same registry.
//
// The package knows nothing of the runtime: it only builds what the engine runs.
package flows
