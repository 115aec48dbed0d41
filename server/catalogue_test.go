package server_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
)

func TestBlockCatalogue(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		var cat struct {
			Blocks []struct {
				Type    string   `json:"type"`
				Exits   []string `json:"exits"`
				Trigger string   `json:"trigger"`
				Params  []struct {
					Name string `json:"name"`
					Kind string `json:"kind"`
				} `json:"params"`
			} `json:"blocks"`
			Environment []struct{ Path string } `json:"environment"`
			Functions   []struct{ Path string } `json:"functions"`
		}
		api.call(t, "GET", "/api/v1/blocks").expect(t, 200).decode(t, &cat)

		var types []string
		for _, b := range cat.Blocks {
			types = append(types, b.Type)
		}
		var want []string
		for _, s := range engine.DefaultRegistry().Specs() {
			want = append(want, s.Type)
		}
		require.Equal(t, want, types, "every block of the registry, in palette order")
		for _, b := range cat.Blocks {
			if b.Type == "webchat.trigger" {
				require.Equal(t, "webchat", b.Trigger)
				require.Equal(t, []string{"message"}, b.Exits)
			}
			if b.Type == "http" {
				require.Equal(t, "url", b.Params[0].Name)
				require.Equal(t, "template", b.Params[0].Kind)
			}
		}
		require.Len(t, cat.Environment, len(engine.EnvFields))
		require.Equal(t, "interaction.id", cat.Environment[0].Path)
		require.Len(t, cat.Functions, len(engine.Helpers))
	})
}

func TestFlowSchema(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		r := api.call(t, "GET", "/api/v1/schema").expect(t, 200)
		require.Equal(t, "application/schema+json", r.Header.Get("Content-Type"))
		require.JSONEq(t, string(flows.Schema(engine.DefaultRegistry())), string(r.Body))

		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.Body))
		require.NoError(t, err)
		c := jsonschema.NewCompiler()
		require.NoError(t, c.AddResource(flows.SchemaID, doc))
		schema, err := c.Compile(flows.SchemaID)
		require.NoError(t, err, "the served schema compiles")

		instance := func(src string) any {
			var v any
			require.NoError(t, yaml.Unmarshal([]byte(src), &v))
			b, err := json.Marshal(v)
			require.NoError(t, err)
			out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			require.NoError(t, err)
			return out
		}
		require.NoError(t, schema.Validate(instance(fixture(t, "greeting.yaml"))), "the schema takes a valid flow")
		require.Error(t, schema.Validate(instance("switchboard: 1\nid: x\nblocks:\n  a: {type: no.such.block}\n")), "and refuses an unknown block type")
	})
}
