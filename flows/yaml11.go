package flows

import (
	"regexp"

	"go.yaml.in/yaml/v3"
)

// yaml11Typed matches the plain scalars that a YAML 1.1 reader (PyYAML, yaml-language-server's
// older modes, Ruby's Psych) reads as something other than a string: booleans such as on, off,
// yes and no, nulls, integers in base 2, 8, 16 and 60 (12:30), floats and dates. Flow files are
// read as YAML 1.2, where most of these are strings, so fmt quotes them for every reader to agree.
var yaml11Typed = regexp.MustCompile(`^(?:` +
	`y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF` + // bool
	`|~|null|Null|NULL|<<|=` + // null, merge, value
	`|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+` + // int
	`|[-+]?(?:[0-9][0-9_]*)?\.[0-9._]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*` + // float
	`|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` +
	`|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?` + // timestamp
	`)$`)

// quoteYAML11 double-quotes the plain strings that YAML 1.1 would read otherwise, and the mapping
// keys that are not plain strings (true: and on: among a condition's or an emergency's exits):
// every key of a flow file is a name, and "on": reads as one in YAML 1.1 and 1.2 alike.
func quoteYAML11(n *yaml.Node) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			quoteYAML11(c)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode && k.Style == 0 && k.ShortTag() != "!!merge" &&
				(k.ShortTag() != "!!str" || yaml11Typed.MatchString(k.Value)) {
				k.Tag, k.Style = "!!str", yaml.DoubleQuotedStyle
			}
			quoteYAML11(n.Content[i+1])
		}
	case yaml.ScalarNode:
		// yaml.v3 tags a plain date !!timestamp, which the flow reads as a string
		if tag := n.ShortTag(); n.Style == 0 && (tag == "!!str" || tag == "!!timestamp") && yaml11Typed.MatchString(n.Value) {
			n.Tag, n.Style = "!!str", yaml.DoubleQuotedStyle
		}
	}
}
