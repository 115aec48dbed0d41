package engine_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
)

func TestVarsSetAndGet(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 4, 5, 12} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			var v engine.Vars
			want := map[string]any{}
			for i := range n {
				name := fmt.Sprintf("v%d", i)
				v.Set(name, i)
				want[name] = i
			}
			if n > 0 {
				v.Set("v0", "again") // setting a variable again replaces its value
				want["v0"] = "again"
			}
			require.Equal(t, len(want), v.Len())
			got := map[string]any{}
			for name, val := range v.All() {
				got[name] = val
			}
			require.Equal(t, want, got, "All yields every variable once")
			for name, val := range want {
				require.Equal(t, val, v.Get(name), name)
			}
			_, ok := v.Lookup("missing")
			require.False(t, ok)
			require.Nil(t, v.Get("missing"))
			require.Equal(t, want, v.Map())
		})
	}
}

func TestVarsMapStaysTheirs(t *testing.T) {
	t.Parallel()
	var v engine.Vars
	v.Set("a", 1)
	m := v.Map()
	v.Set("b", 2)
	require.Equal(t, map[string]any{"a": 1, "b": 2}, m, "a variable set after Map is in the map")
	m["c"] = 3
	require.Equal(t, 3, v.Get("c"), "a change to the map is a change to the variables")
	require.Equal(t, 3, v.Len())
}

func TestVarsJSON(t *testing.T) {
	t.Parallel()
	values := map[string]any{"skill": "billing", "n": 2, "html": "<a&b>", "list": []any{"x", 1.5}, "nothing": nil}
	for _, n := range []int{0, 1, 4, 5} {
		m := map[string]any{}
		var v engine.Vars
		for _, name := range []string{"skill", "n", "html", "list", "nothing"}[:n] {
			m[name] = values[name]
			v.Set(name, values[name])
		}
		for _, escape := range []bool{true, false} {
			write := func(x any) string {
				var b bytes.Buffer
				enc := json.NewEncoder(&b)
				enc.SetEscapeHTML(escape)
				require.NoError(t, enc.Encode(struct{ Vars any }{x}))
				return b.String()
			}
			require.Equal(t, write(m), write(v), "%d variables are written as a map of them is (HTML escaped: %v)", n, escape)
			require.Equal(t, write(m), write(&v))
		}
	}

	// Stored sessions keep their variables as an object, or null.
	for _, tt := range []struct {
		stored string
		want   map[string]any
	}{
		{`{"id":"s1","vars":{"skill":"billing","tries":2}}`, map[string]any{"skill": "billing", "tries": 2.0}},
		{`{"id":"s1","vars":{}}`, map[string]any{}},
		{`{"id":"s1","vars":null}`, map[string]any{}},
		{`{"id":"s1"}`, map[string]any{}},
	} {
		var s engine.Session
		require.NoError(t, json.Unmarshal([]byte(tt.stored), &s), tt.stored)
		require.Equal(t, tt.want, s.Vars.Map(), tt.stored)
		out, err := json.Marshal(&s)
		require.NoError(t, err)
		var again engine.Session
		require.NoError(t, json.Unmarshal(out, &again))
		require.Equal(t, tt.want, again.Vars.Map(), "%s written and read again", tt.stored)
	}
	require.Error(t, json.Unmarshal([]byte(`{"vars":[1]}`), &engine.Session{}))
}
