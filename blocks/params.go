package blocks

import "github.com/switchboardhq/switchboard/engine"

// entries splits a map parameter of compiled values (expressions, templates) into its keys and
// values, in the order written.
func entries[T any](p *engine.Params, name string) (keys []string, values []T) {
	for _, e := range p.Entries(name) {
		keys = append(keys, e.Key)
		values = append(values, e.Value.(T))
	}
	return keys, values
}
