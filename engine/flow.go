package engine

// Flow is a loaded flow version: every block built, every expression compiled. It is
// immutable and safe for concurrent use by any number of sessions.
type Flow struct {
	Info        FlowInfo
	Description string
	// Vars are the flow's declared variables with their initial values, in written order.
	Vars []Entry
	// Nodes are the blocks in document order.
	Nodes []*Node
	// Language is the language the flow's texts are written in; "" when it names none.
	Language string
	// Translations are the languages the flow has translations into, in written order.
	Translations []string

	byID     map[string]*Node
	triggers []*Node // the trigger blocks, in document order; nil for a Flow not made by NewFlow
}

// Node is one block of a loaded flow.
type Node struct {
	ID     string
	Type   string
	Spec   *Spec
	Params *Params
	// Block is the runtime built by the spec from Params.
	Block Block
	// Translated are the block built with its texts in other languages, by language.
	Translated map[string]Block
	// Exits are the block's exits, fixed or derived from its parameters.
	Exits []string
	// Next maps each wired exit to the block it leads to.
	Next map[string]*Node

	wires []wire // Next as a list; nil for a Node not in a Flow made by NewFlow, and then Next is read
}

// wire is one wired exit of a node.
type wire struct {
	exit string
	next *Node
}

// next returns the block an exit leads to, or nil when it is not wired. A node has a few exits:
// comparing their names in turn is quicker than hashing the one taken.
func (n *Node) next(exit string) *Node {
	if n.wires == nil {
		return n.Next[exit]
	}
	for i := range n.wires {
		if n.wires[i].exit == exit {
			return n.wires[i].next
		}
	}
	return nil
}

// NewFlow assembles a flow from built nodes whose Next maps are filled in.
func NewFlow(info FlowInfo, description string, vars []Entry, nodes []*Node) *Flow {
	f := &Flow{Info: info, Description: description, Vars: vars, Nodes: nodes, byID: make(map[string]*Node, len(nodes)), triggers: []*Node{}}
	for _, n := range nodes {
		f.byID[n.ID] = n
		// In the order of the block's exits, the common ones first; a node wired by an exit it
		// does not list keeps to its map.
		n.wires = make([]wire, 0, len(n.Next))
		for _, e := range n.Exits {
			if next := n.Next[e]; next != nil {
				n.wires = append(n.wires, wire{e, next})
			}
		}
		if len(n.wires) != len(n.Next) {
			n.wires = nil
		}
		if n.Spec != nil && n.Spec.Trigger != "" {
			f.triggers = append(f.triggers, n)
		}
	}
	return f
}

// Node returns the block with this id, or nil.
func (f *Flow) Node(id string) *Node { return f.byID[id] }

// Entry returns the trigger block an interaction enters by: the first trigger for its channel
// that lists its kind, else the first trigger for its channel, else nil.
func (f *Flow) Entry(channel, kind string) *Node {
	var first *Node
	nodes := f.triggers
	if nodes == nil {
		nodes = f.Nodes
	}
	for _, n := range nodes {
		if n.Spec.Trigger == "" || n.Spec.Trigger != channel {
			continue // not a trigger, or another channel's
		}
		for _, e := range n.Exits {
			if e == kind {
				return n
			}
		}
		if first == nil {
			first = n
		}
	}
	return first
}

// HasExit tells whether the node has the named exit.
func (n *Node) HasExit(exit string) bool {
	for _, e := range n.Exits {
		if e == exit {
			return true
		}
	}
	return false
}
