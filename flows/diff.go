package flows

import (
	"reflect"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Diff is what changed between two versions of a flow, block by block. Layout (ui) is ignored:
// moving a block on the canvas is no change.
type Diff struct {
	// Meta lists the top-level fields that changed: name, description, vars.
	Meta    []string      `json:"meta"`
	Added   []string      `json:"added"`
	Removed []string      `json:"removed"`
	Changed []BlockChange `json:"changed"`
}

// BlockChange is what changed in one block.
type BlockChange struct {
	ID string `json:"id"`
	// Type is set when the block's type changed: the old and the new.
	Type []string `json:"type,omitempty"`
	// Params lists the parameters whose values changed, were added or removed.
	Params []string `json:"params,omitempty"`
	// Wires lists the exits whose target changed.
	Wires []WireChange `json:"wires,omitempty"`
}

// WireChange is one exit wired differently: From or To is empty when the wire was added or removed.
type WireChange struct {
	Exit string `json:"exit"`
	From string `json:"from"`
	To   string `json:"to"`
}

// Empty tells whether nothing changed.
func (d Diff) Empty() bool {
	return len(d.Meta)+len(d.Added)+len(d.Removed)+len(d.Changed) == 0
}

// DiffDocuments compares two parsed documents.
func DiffDocuments(from, to *Document) Diff {
	d := Diff{Meta: []string{}, Added: []string{}, Removed: []string{}, Changed: []BlockChange{}}
	if from.Name != to.Name {
		d.Meta = append(d.Meta, "name")
	}
	if from.Description != to.Description {
		d.Meta = append(d.Meta, "description")
	}
	if !reflect.DeepEqual(varsMap(from), varsMap(to)) {
		d.Meta = append(d.Meta, "vars")
	}
	old := map[string]*Block{}
	for _, b := range from.Blocks {
		old[b.ID] = b
	}
	seen := map[string]bool{}
	for _, b := range to.Blocks {
		seen[b.ID] = true
		prev, ok := old[b.ID]
		if !ok {
			d.Added = append(d.Added, b.ID)
			continue
		}
		if c := diffBlock(prev, b); c != nil {
			d.Changed = append(d.Changed, *c)
		}
	}
	for _, b := range from.Blocks {
		if !seen[b.ID] {
			d.Removed = append(d.Removed, b.ID)
		}
	}
	return d
}

func varsMap(doc *Document) map[string]any {
	m := map[string]any{}
	for _, v := range doc.Vars {
		m[v.Name] = v.Value
	}
	return m
}

func diffBlock(a, b *Block) *BlockChange {
	c := &BlockChange{ID: b.ID}
	if a.Type != b.Type {
		c.Type = []string{a.Type, b.Type}
	}
	pa, pb := paramValues(a.params), paramValues(b.params)
	var names []string
	for k := range pa {
		names = append(names, k)
	}
	for k := range pb {
		if _, ok := pa[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		if !reflect.DeepEqual(pa[k], pb[k]) {
			c.Params = append(c.Params, k)
		}
	}
	wa, wb := wireMap(a), wireMap(b)
	var exits []string
	for _, w := range a.Wires {
		exits = append(exits, w.Exit)
	}
	for _, w := range b.Wires {
		if _, ok := wa[w.Exit]; !ok {
			exits = append(exits, w.Exit)
		}
	}
	for _, e := range exits {
		if wa[e] != wb[e] {
			c.Wires = append(c.Wires, WireChange{Exit: e, From: wa[e], To: wb[e]})
		}
	}
	if c.Type == nil && c.Params == nil && c.Wires == nil {
		return nil
	}
	return c
}

func paramValues(n *yaml.Node) map[string]any {
	out := map[string]any{}
	for _, p := range pairs(n) {
		out[p.key.Value] = plainValue(p.value)
	}
	return out
}

func wireMap(b *Block) map[string]string {
	m := map[string]string{}
	for _, w := range b.Wires {
		m[w.Exit] = w.Target
	}
	return m
}
