package flows

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/engine"
)

// Load parses, checks and compiles a flow file. The flow is nil when there is any error;
// warnings come back with a flow.
func Load(file string, src []byte, reg *engine.Registry) (*engine.Flow, Diagnostics) {
	doc, diags := Parse(file, src)
	if doc == nil {
		return nil, diags
	}
	f, more := Compile(doc, reg)
	return f, append(diags, more...)
}

// Validate returns every diagnostic of a flow file.
func Validate(file string, src []byte, reg *engine.Registry) Diagnostics {
	_, diags := Load(file, src, reg)
	diags.Sort()
	return diags
}

// compiled is one block on its way to becoming an engine.Node.
type compiled struct {
	b      *Block
	spec   *engine.Spec
	params *engine.Params
	values map[string]any // the decoded parameters, which translations start from
	// translated are the block built with its texts in other languages
	translated map[string]engine.Block
	exits      []string
	ok         bool // the type is known and the parameters are good
	node       *engine.Node
	// edges are the wires a session can take: all but those of exits the block does not have
	edges []Wire
}

// Compile checks a parsed document against a registry: block types, parameters, expressions,
// wiring and the shape of the graph. With no errors it returns the loaded flow, every
// expression compiled once. Its diagnostics do not repeat Parse's.
func Compile(doc *Document, reg *engine.Registry) (*engine.Flow, Diagnostics) {
	pd := &paramDecoder{diagnoser: &diagnoser{src: doc.src}}
	blocks := make([]*compiled, 0, len(doc.Blocks))
	byID := make(map[string]*compiled, len(doc.Blocks))
	for _, b := range doc.Blocks {
		c := pd.block(b, reg)
		blocks = append(blocks, c)
		byID[b.ID] = c
	}
	ids := make([]string, 0, len(blocks))
	for _, c := range blocks {
		ids = append(ids, c.b.ID)
	}
	for _, c := range blocks {
		pd.wiring(c, byID, ids)
	}
	pd.translate(doc, byID)
	pd.graph(doc, blocks, byID)
	pd.unsetVars(doc, blocks)
	pd.diags.Sort()
	if pd.diags.HasErrors() || doc.broken {
		return nil, pd.diags
	}
	return assemble(doc, blocks), pd.diags
}

func (pd *paramDecoder) block(b *Block, reg *engine.Registry) *compiled {
	c := &compiled{b: b}
	path := "blocks." + b.ID
	if b.Type == "" {
		return c
	}
	spec, ok := reg.Lookup(b.Type)
	if !ok {
		msg := fmt.Sprintf("there is no block type %q", b.Type)
		if s := suggest(b.Type, reg.Types()); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += "; switchboard blocks lists the types"
		}
		pd.errorf(b.typeNode, path+".type", CodeUnknownBlockType, "%s", msg)
		return c
	}
	c.spec = spec
	before := pd.errorCount()
	parent := b.paramsKey
	if parent == nil {
		parent = b.key
	}
	values := pd.fields(b.params, spec.Params, path+".params", parent)
	if pd.errorCount() != before {
		return c
	}
	c.params = engine.NewParams(values)
	c.values = values
	c.exits = spec.ExitsOf(c.params)
	block, err := buildSafely(spec, c.params)
	if err != nil {
		pd.buildError(b, path, err)
		return c
	}
	c.ok = true
	c.node = &engine.Node{ID: b.ID, Type: b.Type, Spec: spec, Params: c.params, Block: block, Exits: c.exits}
	return c
}

// buildSafely turns a panic in a block's Build into an error: no flow file may crash the process.
func buildSafely(spec *engine.Spec, p *engine.Params) (b engine.Block, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("block type %s cannot be built: %v", spec.Type, r)
		}
	}()
	return spec.Build(p)
}

// buildError places a Build error on the parameter it names.
func (pd *paramDecoder) buildError(b *Block, path string, err error) {
	var pe *engine.ParamError
	if errors.As(err, &pe) {
		var n *yaml.Node
		if pe.Path != "" {
			n = lookupPath(b.params, pe.Path)
		}
		if pe.Path == "" || n == nil || n == b.params {
			n = b.paramsKey // a problem of the parameters as a whole sits on their key
		}
		if n == nil {
			n = b.key
		}
		pd.errorf(n, join(path+".params", pe.Path), CodeBadValue, "%s", pe.Message)
		return
	}
	at := b.paramsKey
	if at == nil {
		at = b.key
	}
	pd.errorf(at, path+".params", CodeBadValue, "%v", err)
}

// lookupPath finds the node at a parameter path such as "rules[2].exit" or "open.mon-fri[0]".
func lookupPath(n *yaml.Node, path string) *yaml.Node {
	for path != "" && n != nil {
		n = resolve(n)
		if path[0] == '[' {
			end := strings.IndexByte(path, ']')
			var i int
			if end < 0 || n.Kind != yaml.SequenceNode {
				return n
			}
			if _, err := fmt.Sscanf(path[1:end], "%d", &i); err != nil || i < 0 || i >= len(n.Content) {
				return n
			}
			n, path = n.Content[i], strings.TrimPrefix(path[end+1:], ".")
			continue
		}
		key := path
		if i := strings.IndexAny(path, ".["); i >= 0 {
			key, path = path[:i], strings.TrimPrefix(path[i:], ".")
		} else {
			path = ""
		}
		var next *yaml.Node
		for _, p := range pairs(n) {
			if p.key.Value == key {
				next = p.value
				if path == "" {
					return p.value
				}
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

func (pd *paramDecoder) wiring(c *compiled, byID map[string]*compiled, ids []string) {
	b := c.b
	for _, w := range b.Wires {
		path := "blocks." + b.ID + ".next." + w.Exit
		if c.ok || (c.spec != nil && c.spec.ExitsFrom == nil) {
			exits := c.exits
			if !c.ok {
				exits = c.spec.Exits
			}
			if !slices.Contains(exits, w.Exit) {
				pd.unknownExit(c, w, exits, path)
				continue
			}
		}
		c.edges = append(c.edges, w)
		if _, ok := byID[w.Target]; !ok {
			msg := fmt.Sprintf("exit %s leads to %q, and there is no block %q", w.Exit, w.Target, w.Target)
			if s := suggest(w.Target, ids); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				msg += "; add the block or wire the exit elsewhere"
			}
			pd.errorf(w.value, path, CodeDanglingNext, "%s", msg)
		}
	}
	if c.ok {
		for _, e := range c.exits {
			if !slices.ContainsFunc(b.Wires, func(w Wire) bool { return w.Exit == e }) {
				at := b.nextKey
				if at == nil {
					at = b.key
				}
				pd.warnf(at, "blocks."+b.ID+".next", CodeUnwiredExit, "exit %s of block %s is not wired; a session that takes it ends there (wire it to an end block to say so)", e, b.ID)
			}
		}
	}
}

func (pd *paramDecoder) unknownExit(c *compiled, w Wire, exits []string, path string) {
	var msg string
	switch {
	case c.spec.Ends:
		msg = fmt.Sprintf("block %s (%s) ends the session and has no exits; remove next", c.b.ID, c.spec.Type)
	default:
		msg = fmt.Sprintf("block %s (%s) has no exit %q", c.b.ID, c.spec.Type, w.Exit)
		if s := suggest(w.Exit, exits); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += "; its exits are " + strings.Join(exits, ", ")
		}
		if c.spec.ExitsFrom != nil {
			msg += " (" + c.spec.ExitsFrom.Describe() + ")"
		}
	}
	pd.errorf(w.key, path, CodeUnknownExit, "%s", msg)
}

// graph checks the flow as a whole: a trigger, reachability, loops that cannot wait.
func (pd *paramDecoder) graph(doc *Document, blocks []*compiled, byID map[string]*compiled) {
	var triggers []*compiled
	for _, c := range blocks {
		if c.spec != nil && c.spec.Trigger != "" {
			triggers = append(triggers, c)
		}
	}
	if len(triggers) == 0 {
		if doc.tooMany {
			return // the blocks were not read; Parse said why
		}
		at := doc.blocksKey
		if at == nil {
			at = doc.root
		}
		pd.errorf(at, "blocks", CodeNoTrigger, "the flow has no trigger block, so no interaction can enter it; add one such as facebook.trigger or webchat.trigger")
		return
	}
	reached := map[string]bool{}
	queue := make([]*compiled, 0, len(blocks))
	for _, t := range triggers {
		reached[t.b.ID] = true
		queue = append(queue, t)
	}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, w := range c.b.Wires { // a misspelt exit still says where the author meant to go
			if next, ok := byID[w.Target]; ok && !reached[w.Target] {
				reached[w.Target] = true
				queue = append(queue, next)
			}
		}
	}
	for _, c := range blocks {
		if !reached[c.b.ID] {
			pd.warnf(c.b.key, "blocks."+c.b.ID, CodeUnreachableBlock, "no trigger leads to block %s, so it never runs; wire an exit to it or remove it", c.b.ID)
		}
	}
	pd.loops(blocks, byID)
}

// loops reports every cycle of blocks that has no waiting block in it (Tarjan's strongly
// connected components): a session in it would run until the step limit stops it.
func (pd *paramDecoder) loops(blocks []*compiled, byID map[string]*compiled) {
	index := map[*compiled]int{}
	low := map[*compiled]int{}
	onStack := map[*compiled]bool{}
	var stack []*compiled
	next := 0
	var components [][]*compiled
	var connect func(c *compiled)
	connect = func(c *compiled) {
		index[c], low[c] = next, next
		next++
		stack = append(stack, c)
		onStack[c] = true
		for _, w := range c.edges {
			d, ok := byID[w.Target]
			if !ok {
				continue
			}
			if _, seen := index[d]; !seen {
				connect(d)
				low[c] = min(low[c], low[d])
			} else if onStack[d] {
				low[c] = min(low[c], index[d])
			}
		}
		if low[c] == index[c] {
			var comp []*compiled
			for {
				d := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[d] = false
				comp = append(comp, d)
				if d == c {
					break
				}
			}
			components = append(components, comp)
		}
	}
	for _, c := range blocks {
		if _, seen := index[c]; !seen {
			connect(c)
		}
	}
	order := map[*compiled]int{}
	for i, c := range blocks {
		order[c] = i
	}
	for _, comp := range components {
		if len(comp) == 1 && !slices.ContainsFunc(comp[0].edges, func(w Wire) bool { return w.Target == comp[0].b.ID }) {
			continue
		}
		if slices.ContainsFunc(comp, func(c *compiled) bool { return c.spec == nil || c.spec.Waits }) {
			continue
		}
		slices.SortFunc(comp, func(a, b *compiled) int { return order[a] - order[b] })
		names := make([]string, len(comp))
		for i, c := range comp {
			names[i] = c.b.ID
		}
		first := comp[0].b
		pd.errorf(first.key, "blocks."+first.ID, CodeLoopWithoutWait, "blocks %s form a loop with no waiting block (wait.reply or route.skill) in it, so a session could spin forever; add a waiting block to the loop or break it", strings.Join(names, ", "))
	}
}

// unsetVars warns of variables that expressions read but nothing declares or sets.
func (pd *paramDecoder) unsetVars(doc *Document, blocks []*compiled) {
	set := map[string]bool{}
	for _, v := range doc.Vars {
		set[v.Name] = true
	}
	for _, c := range blocks {
		if !c.ok && c.spec != nil && c.spec.SetsVars != nil {
			return // a block with bad parameters may set anything: do not guess
		}
		if c.ok && c.spec.SetsVars != nil {
			for _, name := range c.spec.SetsVars(c.params) {
				set[name] = true
			}
		}
	}
	for _, r := range pd.reads {
		if !set[r.name] {
			pd.addAt(Warning, r.line, r.col, r.path, CodeUnsetVar, "vars.%s is read here but never declared in vars or set by a block; declare it under vars with an initial value, or set it first", r.name)
		}
	}
}

func assemble(doc *Document, blocks []*compiled) *engine.Flow {
	nodes := make([]*engine.Node, len(blocks))
	byID := make(map[string]*engine.Node, len(blocks))
	for i, c := range blocks {
		nodes[i] = c.node
		byID[c.b.ID] = c.node
	}
	for _, c := range blocks {
		c.node.Translated = c.translated
		c.node.Next = make(map[string]*engine.Node, len(c.b.Wires))
		for _, w := range c.b.Wires {
			c.node.Next[w.Exit] = byID[w.Target]
		}
	}
	vars := make([]engine.Entry, len(doc.Vars))
	for i, v := range doc.Vars {
		vars[i] = engine.Entry{Key: v.Name, Value: v.Value}
	}
	name := doc.Name
	if name == "" {
		name = doc.ID
	}
	f := engine.NewFlow(engine.FlowInfo{ID: doc.ID, Name: name}, doc.Description, vars, nodes)
	f.Language, f.Translations = doc.Language, translationLanguages(doc)
	return f
}
