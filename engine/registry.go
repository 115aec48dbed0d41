package engine

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Registry holds the block types a flow may use. Registries are values: tests and custom builds
// make their own, or derive one from another with Clone, With and Without.
type Registry struct {
	mu    sync.RWMutex
	specs map[string]*Spec
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{specs: map[string]*Spec{}}
}

var defaultRegistry = NewRegistry()

// DefaultRegistry returns the process-wide registry that the built-in blocks and custom
// blocks' init functions register into, and that the switchboard command uses.
func DefaultRegistry() *Registry { return defaultRegistry }

// Register adds a block type to the default registry. It panics on a malformed or duplicate
// spec: both are programmer errors.
func Register(s Spec) { defaultRegistry.Register(s) }

// Register adds a block type. It panics on a malformed or duplicate spec: both are programmer
// errors, found the first time the program starts.
func (r *Registry) Register(s Spec) {
	if err := s.check(); err != nil {
		panic("switchboard: register: " + err.Error())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.specs[s.Type]; dup {
		panic(fmt.Sprintf("switchboard: register: block type %s registered twice", s.Type))
	}
	r.specs[s.Type] = &s
}

// Lookup returns the spec of a block type.
func (r *Registry) Lookup(typ string) (*Spec, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.specs[typ]
	return s, ok
}

// Specs returns every spec, ordered by category and then type.
func (r *Registry) Specs() []*Spec {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Spec, 0, len(r.specs))
	for _, s := range r.specs {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Spec) int {
		if c := strings.Compare(categoryRank(a.Category), categoryRank(b.Category)); c != 0 {
			return c
		}
		return strings.Compare(a.Type, b.Type)
	})
	return out
}

// Types returns every registered type name, sorted.
func (r *Registry) Types() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.specs))
	for t := range r.specs {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Clone returns a registry with the same block types.
func (r *Registry) Clone() *Registry {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c := NewRegistry()
	for t, s := range r.specs {
		c.specs[t] = s
	}
	return c
}

// With returns a copy of the registry with more block types.
func (r *Registry) With(specs ...Spec) *Registry {
	c := r.Clone()
	for _, s := range specs {
		c.Register(s)
	}
	return c
}

// Without returns a copy of the registry without the named block types.
func (r *Registry) Without(types ...string) *Registry {
	c := r.Clone()
	for _, t := range types {
		delete(c.specs, t)
	}
	return c
}

// Categories are the palette's groups, in the order they are shown; others follow by name.
var Categories = []string{"triggers", "logic", "contact", "calendar", "routing", "actions", "integration", "flow"}

func categoryRank(c string) string {
	if i := slices.Index(Categories, c); i >= 0 {
		return fmt.Sprintf("%02d", i)
	}
	return "99" + c
}
