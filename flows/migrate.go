package flows

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/engine"
)

// How the flow format changes
//
// A flow file says which format it is written in (switchboard: N). FormatVersion is the newest
// format; every older one that still has a flow in the wild has a Migration to the next. Parse
// reads a file of any known version by running the migrations it needs on the YAML nodes, so
// the positions of diagnostics are those of the file as written, and the server, validate,
// run and test read old files as they are. Upgrade writes a file in the newest format keeping
// its comments (`switchboard fmt --upgrade`); Format keeps the version a file has.
//
// A change that old files cannot be read under is a new format version with a migration here,
// a golden test under testdata/migrate (the old file in, the new one out) and a line in
// docs/flow-format.md. Adding an optional key that old files simply lack is no new version.

// MinFormatVersion is the oldest flow format that Parse reads.
const MinFormatVersion = 1

// Migration rewrites a flow document from format From to From+1, in place on its YAML tree.
type Migration struct {
	From int
	// Summary says what changed, for the docs and for `fmt --upgrade`.
	Summary string
	// Apply changes the document's root mapping; switchboard: is set to From+1 afterwards.
	Apply func(root *yaml.Node)
}

// Migrations are the steps from MinFormatVersion to FormatVersion, one per version.
var Migrations = []Migration{
	{From: 1, Summary: "format 2 adds language (the language of the flow's texts) and translations " +
		"(its texts in other languages); a format 1 flow reads the same in format 2",
		Apply: func(*yaml.Node) {}},
}

// versionFields are the top-level keys each format version added, for the error a file gets
// when it uses one under an older version.
var versionFields = map[string]int{"language": 2, "translations": 2}

// migrate brings the root mapping up to FormatVersion and returns the version the file was
// written in, or 0 when it names none that can be read (topLevel then reports it).
func (d *diagnoser) migrate(root *yaml.Node) int {
	from := d.writtenVersion(root)
	if from == 0 {
		return 0
	}
	version := valueOf(root, "switchboard")
	for _, p := range pairs(root) {
		if since, ok := versionFields[p.key.Value]; ok && from < since {
			d.errorf(p.key, p.key.Value, CodeUnknownField, "%s is a key of format %d; this file is format %d: run switchboard fmt --upgrade -w on it first", p.key.Value, since, from)
		}
	}
	for v := from; v < FormatVersion; v++ {
		Migrations[v-MinFormatVersion].Apply(root)
		version.Value = strconv.Itoa(v + 1)
	}
	return from
}

// writtenVersion returns the version a file names, if it is one Parse reads, else 0.
func (d *diagnoser) writtenVersion(root *yaml.Node) int {
	for _, p := range pairs(root) {
		if p.key.Value != "switchboard" {
			continue
		}
		v := p.value
		if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
			return 0
		}
		n, err := strconv.Atoi(v.Value)
		if err != nil || n < MinFormatVersion || n > FormatVersion {
			return 0
		}
		return n
	}
	return 0
}

// Upgrade writes a flow file in the newest format, in canonical form, keeping its comments.
// A file already in the newest format comes back formatted.
func Upgrade(file string, src []byte, reg *engine.Registry) ([]byte, Diagnostics) {
	doc, diags := Parse(file, src)
	if doc == nil {
		return nil, diags
	}
	to := "yaml"
	if doc.JSON {
		to = "json"
	}
	return write(doc, to, reg)
}

// valueOf returns the value of a key of a mapping, or nil.
func valueOf(m *yaml.Node, key string) *yaml.Node {
	for _, p := range pairs(m) {
		if p.key.Value == key {
			return p.value
		}
	}
	return nil
}
