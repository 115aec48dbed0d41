package engine

import (
	"bytes"
	"encoding/json"
	"iter"
	"slices"
	"strings"
)

// smallVars is how many variables a Vars holds in itself before it needs a map.
const smallVars = 4

// Vars are a session's variables, by name. The zero Vars is empty and ready to use. The first
// few live in the Vars itself, so a session that sets only a few allocates nothing for them;
// more, or a caller that asks for Map, move them all to a map, where they stay. A Vars is
// moved, not shared: a copy holds its own first few but the same map. In JSON it is an object.
type Vars struct {
	n     int // how many of small are set; 0 once m holds the variables
	small [smallVars]VarChange
	m     map[string]any // every variable, once they are in a map; nil before
}

// VarsOf returns the variables of m, which the Vars takes as its map; nil or empty gives none.
func VarsOf(m map[string]any) Vars {
	if len(m) == 0 {
		return Vars{}
	}
	return Vars{m: m}
}

// Get returns the variable's value; nil when it is not set.
func (v *Vars) Get(name string) any {
	val, _ := v.Lookup(name)
	return val
}

// Lookup returns the variable's value and whether it is set.
func (v *Vars) Lookup(name string) (any, bool) {
	if v.m != nil {
		val, ok := v.m[name]
		return val, ok
	}
	for i := range v.n {
		if v.small[i].Name == name {
			return v.small[i].Value, true
		}
	}
	return nil, false
}

// Set sets a variable.
func (v *Vars) Set(name string, val any) {
	if v.m != nil {
		v.m[name] = val
		return
	}
	for i := range v.n {
		if v.small[i].Name == name {
			v.small[i].Value = val
			return
		}
	}
	if v.n < smallVars {
		v.small[v.n] = VarChange{Name: name, Value: val}
		v.n++
		return
	}
	v.Map()[name] = val
}

// Len is how many variables are set.
func (v *Vars) Len() int {
	if v.m != nil {
		return len(v.m)
	}
	return v.n
}

// All yields every variable, in no particular order.
func (v *Vars) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		if v.m != nil {
			for name, val := range v.m {
				if !yield(name, val) {
					return
				}
			}
			return
		}
		for i := range v.n {
			if !yield(v.small[i].Name, v.small[i].Value) {
				return
			}
		}
	}
}

// Map returns the variables as a map, which the Vars keeps from then on: setting a variable
// sets it in the map, and changing the map changes the variables. Expressions read the
// variables as this map when they need more than a plain `vars.name`.
func (v *Vars) Map() map[string]any {
	if v.m == nil {
		v.m = make(map[string]any, smallVars+1)
		for i := range v.n {
			v.m[v.small[i].Name] = v.small[i].Value
		}
		clear(v.small[:v.n]) // the map holds the values now
		v.n = 0
	}
	return v.m
}

// MarshalJSON writes the variables as an object with its names in order, as a map is written.
// It leaves HTML unescaped: the encoder that writes the Vars escapes it, or not, as it would
// a map's.
func (v Vars) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	encode := func(x any) error {
		if err := enc.Encode(x); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // the newline Encode ends with
		return nil
	}
	if v.m != nil {
		if err := encode(v.m); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	small := v.small[:v.n]
	order := [smallVars]int{}
	for i := range small {
		order[i] = i
	}
	slices.SortFunc(order[:len(small)], func(a, b int) int { return strings.Compare(small[a].Name, small[b].Name) })
	b.WriteByte('{')
	for k, i := range order[:len(small)] {
		if k > 0 {
			b.WriteByte(',')
		}
		if err := encode(small[i].Name); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := encode(small[i].Value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the variables from an object; null reads as none.
func (v *Vars) UnmarshalJSON(b []byte) error {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*v = VarsOf(m)
	return nil
}
