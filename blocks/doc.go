// Package blocks holds Switchboard's built-in block types, one file each.
//
// Importing the package registers every built-in block in engine.DefaultRegistry; Register
// adds them to any other registry. Each block is a Spec (what the validator, the schema, the
// docs and the editor see) and a runtime built from validated parameters.
package blocks
