package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/switchboardhq/switchboard/store"
)

func TestFlowCreate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		// by id and name: a starter draft with a web chat trigger
		r := api.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"id": "starter", "name": "Starter", "description": "to draw from"})).expect(t, 201)
		require.Equal(t, "/api/v1/flows/starter", r.Header.Get("Location"))
		require.Equal(t, `"1"`, r.Header.Get("ETag"))
		var starter flowBody
		r.decode(t, &starter)
		require.Equal(t, "starter", starter.ID)
		require.Equal(t, "Starter", starter.Name)
		require.Equal(t, "to draw from", starter.Description)
		require.Equal(t, "yaml", starter.Format)
		require.Contains(t, starter.Source, "type: webchat.trigger")
		require.EqualValues(t, 1, starter.Revision)
		require.Zero(t, starter.LatestVersion)
		for _, d := range starter.Diagnostics {
			require.Equal(t, "warning", d.Severity, "a starter draft has no errors:\n%s", prettyDiagnostics(starter.Diagnostics))
		}

		// a name YAML would misread is written quoted
		var quoted flowBody
		api.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"id": "quoted", "name": `Atención: "VIP" #1`, "description": "- a: b"})).expect(t, 201).decode(t, &quoted)
		require.Equal(t, `Atención: "VIP" #1`, quoted.Name)
		require.Equal(t, "- a: b", quoted.Description)
		for _, d := range quoted.Diagnostics {
			require.Equal(t, "warning", d.Severity, prettyDiagnostics(quoted.Diagnostics))
		}

		// by id alone: the name is the id
		var bare flowBody
		api.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"id": "bare"})).expect(t, 201).decode(t, &bare)
		require.Equal(t, "bare", bare.Name)

		// by source: the id, name and description come from the text
		greeting := api.createFlow(t, fixture(t, "greeting.yaml"))
		require.Equal(t, "greeting", greeting.ID)
		require.Equal(t, "Greeting", greeting.Name)
		require.Equal(t, "Web chat that says hello and ends.", greeting.Description)
		require.Equal(t, fixture(t, "greeting.yaml"), greeting.Source)
		require.Empty(t, greeting.Diagnostics, prettyDiagnostics(greeting.Diagnostics))
		require.Contains(t, greeting.UpdatedBy, "test admin (t_", "the draft names who saved it")

		// a draft may have errors; they come with it
		broken := api.createFlow(t, fixture(t, "broken.yaml"))
		require.NotEmpty(t, broken.Diagnostics)
		require.Equal(t, "broken.yaml", broken.Diagnostics[0].File)

		// JSON sources are guessed as JSON
		var fromJSON flowBody
		api.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"source": `{"switchboard": 1, "id": "in-json", "blocks": {"chat": {"type": "webchat.trigger"}}}`})).
			expect(t, 201).decode(t, &fromJSON)
		require.Equal(t, "json", fromJSON.Format)

		api.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"source": fixture(t, "greeting.yaml")})).fails(t, 409, "exists")
		api.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"id": "starter"})).fails(t, 409, "exists")

		// the list: by id, without sources
		list := api.call(t, "GET", "/api/v1/flows").expect(t, 200).list(t)
		var ids []string
		for _, f := range list {
			ids = append(ids, f["id"].(string))
			require.NotContains(t, f, "source")
		}
		require.Equal(t, []string{"bare", "broken", "greeting", "in-json", "quoted", "starter"}, ids)

		f, etag := api.getFlow(t, "greeting")
		require.Equal(t, `"1"`, etag)
		require.Equal(t, greeting.Source, f.Source)
		api.call(t, "GET", "/api/v1/flows/nope").fails(t, 404, "not_found")

		// without its check: the same draft, and no diagnostics at all
		var unchecked map[string]any
		api.call(t, "GET", "/api/v1/flows/broken?diagnostics=false").expect(t, 200).decode(t, &unchecked)
		require.Equal(t, "broken", unchecked["id"])
		require.NotContains(t, unchecked, "diagnostics")
		var checked map[string]any
		api.call(t, "GET", "/api/v1/flows/broken").expect(t, 200).decode(t, &checked)
		require.NotEmpty(t, checked["diagnostics"])
		api.call(t, "GET", "/api/v1/flows/broken?diagnostics=maybe").invalid(t, "diagnostics")

		// with its content as JSON, for the editor to draw it before reading the source
		var withContent map[string]any
		api.call(t, "GET", "/api/v1/flows/greeting?diagnostics=false&content=true").expect(t, 200).decode(t, &withContent)
		require.Equal(t, greeting.Source, withContent["source"])
		require.NotContains(t, withContent, "diagnostics")
		content, ok := withContent["content"].(map[string]any)
		require.True(t, ok, "content: %v", withContent["content"])
		require.Equal(t, "greeting", content["id"])
		require.NotEmpty(t, content["blocks"])
		// a draft with errors has its content all the same
		var withErrors map[string]any
		api.call(t, "GET", "/api/v1/flows/broken?diagnostics=false&content=true").expect(t, 200).decode(t, &withErrors)
		require.Contains(t, withErrors, "content")
		api.call(t, "GET", "/api/v1/flows/greeting?content=true").invalid(t, "content")
		api.call(t, "GET", "/api/v1/flows/greeting?diagnostics=false&content=yes").invalid(t, "content")
	})
}

func TestFlowCreateRefusesBadRequests(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		cases := []struct {
			name  string
			body  any
			field string
		}{
			{"nothing", map[string]any{}, "id"},
			{"a bad id", map[string]any{"id": "Not Valid"}, "id"},
			{"a bad format", map[string]any{"source": fixture(t, "greeting.yaml"), "format": "xml"}, "format"},
			{"a source without an id", map[string]any{"source": "switchboard: 1\nblocks: {}\n"}, "source"},
			{"a source that is not YAML", map[string]any{"source": "{{{"}, "source"},
			{"a source with a bad id", map[string]any{"source": "switchboard: 1\nid: Bad_Id\nblocks: {}\n"}, "source"},
			{"an unknown field", map[string]any{"id": "x", "nmae": "X"}, "nmae"},
			{"a field of the wrong type", map[string]any{"id": "x", "name": 42}, "name"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				api.call(t, "POST", "/api/v1/flows", withJSON(c.body)).invalid(t, c.field)
			})
		}
		// a source whose id cannot be read comes back with its diagnostics
		e := api.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"source": "{{{"})).fails(t, 400, "invalid")
		require.NotEmpty(t, e.Diagnostics)
		require.Equal(t, "syntax", e.Diagnostics[0].Code)

		api.call(t, "POST", "/api/v1/flows").fails(t, 400, "invalid")
		api.call(t, "POST", "/api/v1/flows", withBody("application/json", "not json")).fails(t, 400, "invalid")
		api.call(t, "POST", "/api/v1/flows", withBody("application/json", `{"id": "a"} {"id": "b"}`)).fails(t, 400, "invalid")
		require.Empty(t, api.call(t, "GET", "/api/v1/flows").expect(t, 200).list(t), "nothing was created")
	})
}

func TestFlowUpdate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		tokens := api.tokens(t)
		api.createFlow(t, fixture(t, "greeting.yaml"))
		_, etag := api.getFlow(t, "greeting")
		v2 := fixture(t, "greeting-v2.yaml")

		api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": v2})).fails(t, 428, "precondition_required")
		api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": v2}), withHeader("If-Match", "yesterday")).invalid(t, "If-Match")
		api.call(t, "PUT", "/api/v1/flows/nope", withJSON(map[string]any{"source": strings.Replace(v2, "id: greeting", "id: nope", 1)}), withHeader("If-Match", etag)).fails(t, 404, "not_found")

		// a designer saves from the revision read
		r := api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": v2}), withHeader("If-Match", etag), withToken(tokens["designer"])).expect(t, 200)
		require.Equal(t, `"2"`, r.Header.Get("ETag"))
		var saved flowBody
		r.decode(t, &saved)
		require.Equal(t, v2, saved.Source)
		require.EqualValues(t, 2, saved.Revision)
		require.Contains(t, saved.UpdatedBy, "test designer")

		// the admin saves from the same, now stale, revision: refused, told who and what
		mine := strings.Replace(fixture(t, "greeting.yaml"), "Hola", "Hello", 1)
		e := api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": mine}), withHeader("If-Match", etag)).fails(t, 409, "conflict")
		require.Contains(t, e.Error.Message, "test designer (t_", "the message names who saved")
		require.Contains(t, e.Error.Message, "revision 2")
		require.Contains(t, e.Error.Message, "removed bye", "the message names the blocks that differ")
		require.Contains(t, e.Error.Message, "changed hello")
		require.NotNil(t, e.Current, "the body carries the current draft")
		require.Equal(t, v2, e.Current.Source)
		require.EqualValues(t, 2, e.Current.Revision)
		require.NotNil(t, e.Differences)
		var diff struct {
			Removed []string `json:"removed"`
			Changed []struct {
				ID     string   `json:"id"`
				Params []string `json:"params"`
			} `json:"changed"`
		}
		require.NoError(t, json.Unmarshal(*e.Differences, &diff))
		require.Equal(t, []string{"bye"}, diff.Removed)
		require.Len(t, diff.Changed, 1)
		require.Equal(t, "hello", diff.Changed[0].ID)
		require.Equal(t, []string{"text"}, diff.Changed[0].Params)
		f, _ := api.getFlow(t, "greeting")
		require.Equal(t, v2, f.Source, "nothing was saved")

		// weak and strong ETags are both taken
		r = api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": mine}), withHeader("If-Match", `W/"2"`)).expect(t, 200)
		require.Equal(t, `"3"`, r.Header.Get("ETag"))

		// the name and description follow the source; a draft may have errors
		renamed := strings.Replace(strings.Replace(mine, "name: Greeting", "name: Hello there", 1), "next: {sent: end, failed: end}", "next: {sent: nowhere}", 1)
		r = api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": renamed}), withHeader("If-Match", `"3"`)).expect(t, 200)
		r.decode(t, &saved)
		require.Equal(t, "Hello there", saved.Name)
		require.Contains(t, codes(saved.Diagnostics), "dangling-next")

		// the id cannot change
		other := strings.Replace(mine, "id: greeting", "id: other", 1)
		msg := api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": other}), withHeader("If-Match", `"4"`)).invalid(t, "source")
		require.Contains(t, msg, `"other"`)
		api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": ""}), withHeader("If-Match", `"4"`)).invalid(t, "source")
		api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": mine, "revision": 4}), withHeader("If-Match", `"4"`)).invalid(t, "revision")
	})
}

func TestFlowDelete(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, fixture(t, "greeting.yaml"))
		api.publish(t, "greeting")
		api.createFlow(t, fixture(t, "desk.yaml"))
		api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "chat", "type": "webchat", "default_flow": "desk"})).expect(t, 201)

		e := api.call(t, "DELETE", "/api/v1/flows/desk").fails(t, 409, "in_use")
		require.Contains(t, e.Error.Message, "chat", "the message names the channel")
		api.call(t, "GET", "/api/v1/flows/desk").expect(t, 200)

		api.call(t, "DELETE", "/api/v1/flows/greeting").expect(t, 204)
		api.call(t, "GET", "/api/v1/flows/greeting").fails(t, 404, "not_found")
		api.call(t, "GET", "/api/v1/flows/greeting/versions").fails(t, 404, "not_found")
		api.call(t, "GET", "/api/v1/flows/greeting/versions/1").fails(t, 404, "not_found")
		api.call(t, "DELETE", "/api/v1/flows/greeting").fails(t, 404, "not_found")

		// a flow made again under a deleted id starts over
		api.createFlow(t, fixture(t, "greeting.yaml"))
		require.Equal(t, 1, api.publish(t, "greeting").Version)
	})
}

func TestFlowValidate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		var v struct {
			Valid       bool         `json:"valid"`
			Errors      int          `json:"errors"`
			Warnings    int          `json:"warnings"`
			Diagnostics []diagnostic `json:"diagnostics"`
		}
		// unsaved text: lines and columns in that text
		api.call(t, "POST", "/api/v1/validate", withJSON(map[string]any{"source": fixture(t, "broken.yaml")})).expect(t, 200).decode(t, &v)
		require.False(t, v.Valid)
		require.Equal(t, 2, v.Errors)
		require.Len(t, v.Diagnostics, v.Errors+v.Warnings)
		require.Equal(t, diagnostic{File: "draft.yaml", Line: 11, Column: 34, Severity: "error", Code: "bad-expression",
			Path: v.Diagnostics[0].Path, Message: v.Diagnostics[0].Message}, v.Diagnostics[0], prettyDiagnostics(v.Diagnostics))
		require.Contains(t, v.Diagnostics[0].Message, "did you mean interaction.text?")
		require.Equal(t, 12, v.Diagnostics[1].Line)
		require.Equal(t, "dangling-next", v.Diagnostics[1].Code)

		api.call(t, "POST", "/api/v1/validate", withJSON(map[string]any{"source": fixture(t, "greeting.yaml")})).expect(t, 200).decode(t, &v)
		require.True(t, v.Valid)
		require.Empty(t, v.Diagnostics)

		// JSON text, in JSON lines
		src := "{\n  \"switchboard\": 1,\n  \"id\": \"j\",\n  \"blocks\": {\n    \"chat\": {\"type\": \"webchat.trigger\", \"next\": {\"message\": \"ghost\"}}\n  }\n}\n"
		api.call(t, "POST", "/api/v1/validate", withJSON(map[string]any{"source": src, "format": "json"})).expect(t, 200).decode(t, &v)
		require.False(t, v.Valid)
		require.Equal(t, "draft.json", v.Diagnostics[0].File)
		require.Equal(t, 5, v.Diagnostics[0].Line)

		api.call(t, "POST", "/api/v1/validate", withJSON(map[string]any{"source": src, "format": "toml"})).invalid(t, "format")
		api.call(t, "POST", "/api/v1/validate", withJSON(map[string]any{"text": src})).invalid(t, "text")
		api.call(t, "POST", "/api/v1/validate", withJSON(map[string]any{"source": 7})).invalid(t, "source")

		// a saved draft, or text meant for it
		api.createFlow(t, fixture(t, "broken.yaml"))
		api.call(t, "POST", "/api/v1/flows/broken/validate").expect(t, 200).decode(t, &v)
		require.False(t, v.Valid)
		require.Equal(t, "broken.yaml", v.Diagnostics[0].File)
		require.Equal(t, 11, v.Diagnostics[0].Line)

		fixed := strings.Replace(strings.Replace(fixture(t, "broken.yaml"), "txet", "text", 1), "    next: {sent: nowhere}\n", "", 1)
		fixed = "# fixed\n" + fixed
		api.call(t, "POST", "/api/v1/flows/broken/validate", withJSON(map[string]any{"source": fixed})).expect(t, 200).decode(t, &v)
		require.Zero(t, v.Errors, prettyDiagnostics(v.Diagnostics))
		api.call(t, "POST", "/api/v1/flows/broken/validate", withJSON(map[string]any{"source": "# one more line\n" + fixture(t, "broken.yaml")})).expect(t, 200).decode(t, &v)
		require.Equal(t, 12, v.Diagnostics[0].Line, "lines are in the text sent")

		api.call(t, "POST", "/api/v1/flows/nope/validate").fails(t, 404, "not_found")
		api.call(t, "POST", "/api/v1/flows/broken/validate", withJSON(map[string]any{"source": fixed, "format": "ini"})).invalid(t, "format")
	})
}

func TestFlowPublishAndVersions(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, fixture(t, "broken.yaml"))
		e := api.call(t, "POST", "/api/v1/flows/broken/publish").fails(t, 422, "invalid_flow")
		require.Len(t, e.Diagnostics, 2, "the refusal lists the diagnostics")
		require.Equal(t, "bad-expression", e.Diagnostics[0].Code)
		require.Empty(t, api.call(t, "GET", "/api/v1/flows/broken/versions").expect(t, 200).list(t))

		api.createFlow(t, fixture(t, "greeting.yaml"))
		r := api.call(t, "POST", "/api/v1/flows/greeting/publish", withJSON(map[string]any{"message": "first"})).expect(t, 201)
		require.Equal(t, "/api/v1/flows/greeting/versions/1", r.Header.Get("Location"))
		var v1 flowVersion
		r.decode(t, &v1)
		require.Equal(t, flowVersion{FlowID: "greeting", Version: 1, Source: fixture(t, "greeting.yaml"), Format: "yaml",
			Author: v1.Author, Message: "first"}, v1)
		require.Contains(t, v1.Author, "test admin (t_")

		f, etag := api.getFlow(t, "greeting")
		require.Equal(t, 1, f.LatestVersion)
		api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": fixture(t, "greeting-v2.yaml")}), withHeader("If-Match", etag)).expect(t, 200)

		// publishing from a stale ETag is refused; from the current one it goes
		e = api.call(t, "POST", "/api/v1/flows/greeting/publish", withHeader("If-Match", etag)).fails(t, 409, "conflict")
		require.Contains(t, e.Error.Message, "test admin")
		_, etag = api.getFlow(t, "greeting")
		api.call(t, "POST", "/api/v1/flows/greeting/publish", withHeader("If-Match", "x")).invalid(t, "If-Match")
		var v2 flowVersion
		api.call(t, "POST", "/api/v1/flows/greeting/publish", withHeader("If-Match", etag)).expect(t, 201).decode(t, &v2)
		require.Equal(t, 2, v2.Version)
		require.Equal(t, fixture(t, "greeting-v2.yaml"), v2.Source)

		versions := api.call(t, "GET", "/api/v1/flows/greeting/versions").expect(t, 200).list(t)
		require.Len(t, versions, 2)
		require.EqualValues(t, 2, versions[0]["version"], "newest first")
		require.EqualValues(t, 1, versions[1]["version"])
		require.Equal(t, "first", versions[1]["message"])
		require.NotContains(t, versions[0], "source")

		var got flowVersion
		api.call(t, "GET", "/api/v1/flows/greeting/versions/1").expect(t, 200).decode(t, &got)
		require.Equal(t, v1, got)
		api.call(t, "GET", "/api/v1/flows/greeting/versions/3").fails(t, 404, "not_found")
		api.call(t, "GET", "/api/v1/flows/greeting/versions/0").invalid(t, "version")
		api.call(t, "GET", "/api/v1/flows/greeting/versions/latest").invalid(t, "version")
		api.call(t, "GET", "/api/v1/flows/nope/versions").fails(t, 404, "not_found")
		api.call(t, "POST", "/api/v1/flows/nope/publish").fails(t, 404, "not_found")
		api.call(t, "POST", "/api/v1/flows/greeting/publish", withJSON(map[string]any{"note": "x"})).invalid(t, "note")
	})
}

func TestFlowDiff(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, fixture(t, "greeting.yaml"))
		api.call(t, "GET", "/api/v1/flows/greeting/diff").fails(t, 404, "not_found") // nothing published to compare with
		api.publish(t, "greeting")
		_, etag := api.getFlow(t, "greeting")
		api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": fixture(t, "greeting-v2.yaml")}), withHeader("If-Match", etag)).expect(t, 200)
		api.publish(t, "greeting")

		type diffBody struct {
			From string `json:"from"`
			To   string `json:"to"`
			Diff struct {
				Meta    []string `json:"meta"`
				Added   []string `json:"added"`
				Removed []string `json:"removed"`
				Changed []struct {
					ID     string   `json:"id"`
					Params []string `json:"params"`
					Wires  []struct {
						Exit, From, To string
					} `json:"wires"`
				} `json:"changed"`
			} `json:"diff"`
		}
		var d diffBody
		api.call(t, "GET", "/api/v1/flows/greeting/diff?from=1&to=2").expect(t, 200).decode(t, &d)
		require.Equal(t, "1", d.From)
		require.Equal(t, "2", d.To)
		require.Empty(t, d.Diff.Meta)
		require.Equal(t, []string{"bye"}, d.Diff.Added)
		require.Empty(t, d.Diff.Removed)
		require.Len(t, d.Diff.Changed, 1)
		require.Equal(t, "hello", d.Diff.Changed[0].ID)
		require.Equal(t, []string{"text"}, d.Diff.Changed[0].Params)
		require.Len(t, d.Diff.Changed[0].Wires, 1)
		require.Equal(t, "sent", d.Diff.Changed[0].Wires[0].Exit)
		require.Equal(t, "end", d.Diff.Changed[0].Wires[0].From)
		require.Equal(t, "bye", d.Diff.Changed[0].Wires[0].To)

		api.call(t, "GET", "/api/v1/flows/greeting/diff?from=2&to=1").expect(t, 200).decode(t, &d)
		require.Equal(t, []string{"bye"}, d.Diff.Removed)

		// the draft against the latest version: moving blocks on the canvas is no difference
		_, etag = api.getFlow(t, "greeting")
		moved := strings.ReplaceAll(fixture(t, "greeting-v2.yaml"), "y: 200}", "y: 999}")
		require.NotEqual(t, fixture(t, "greeting-v2.yaml"), moved)
		api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": moved}), withHeader("If-Match", etag)).expect(t, 200)
		api.call(t, "GET", "/api/v1/flows/greeting/diff").expect(t, 200).decode(t, &d)
		require.Equal(t, "0", d.From)
		require.Equal(t, "draft", d.To)
		require.Empty(t, d.Diff.Added)
		require.Empty(t, d.Diff.Removed)
		require.Empty(t, d.Diff.Changed)
		require.Empty(t, d.Diff.Meta)

		_, etag = api.getFlow(t, "greeting")
		renamed := strings.Replace(moved, "name: Greeting", "name: Hello", 1)
		api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": renamed}), withHeader("If-Match", etag)).expect(t, 200)
		api.call(t, "GET", "/api/v1/flows/greeting/diff?from=2&to=draft").expect(t, 200).decode(t, &d)
		require.Equal(t, []string{"name"}, d.Diff.Meta)

		api.call(t, "GET", "/api/v1/flows/greeting/diff?from=first").invalid(t, "version")
		api.call(t, "GET", "/api/v1/flows/greeting/diff?to=-1").invalid(t, "version")
		api.call(t, "GET", "/api/v1/flows/greeting/diff?from=9").fails(t, 404, "not_found")
		api.call(t, "GET", "/api/v1/flows/nope/diff?from=draft").fails(t, 404, "not_found")

		// a draft that cannot be read (the API never saves one; an older tool might have) cannot be compared
		storeUnreadableDraft(t, api, "unreadable")
		e := api.call(t, "GET", "/api/v1/flows/unreadable/diff?from=draft&to=draft").fails(t, 422, "invalid_flow")
		require.NotEmpty(t, e.Diagnostics)
	})
}

func TestFlowRollback(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, fixture(t, "greeting.yaml"))
		api.publish(t, "greeting")
		_, etag := api.getFlow(t, "greeting")
		api.call(t, "PUT", "/api/v1/flows/greeting", withJSON(map[string]any{"source": fixture(t, "greeting-v2.yaml")}), withHeader("If-Match", etag)).expect(t, 200)
		api.publish(t, "greeting")

		var v3 flowVersion
		r := api.call(t, "POST", "/api/v1/flows/greeting/rollback", withJSON(map[string]any{"version": 1})).expect(t, 201)
		require.Equal(t, "/api/v1/flows/greeting/versions/3", r.Header.Get("Location"))
		r.decode(t, &v3)
		require.Equal(t, 3, v3.Version, "a rollback publishes a new version")
		require.Equal(t, fixture(t, "greeting.yaml"), v3.Source)
		require.Equal(t, "roll back to version 1", v3.Message)
		f, _ := api.getFlow(t, "greeting")
		require.Equal(t, fixture(t, "greeting.yaml"), f.Source, "the draft is the old source again")
		require.Equal(t, 3, f.LatestVersion)

		var v4 flowVersion
		api.call(t, "POST", "/api/v1/flows/greeting/rollback", withJSON(map[string]any{"version": 2, "message": "again"})).expect(t, 201).decode(t, &v4)
		require.Equal(t, 4, v4.Version)
		require.Equal(t, "again", v4.Message)
		require.Equal(t, fixture(t, "greeting-v2.yaml"), v4.Source)

		api.call(t, "POST", "/api/v1/flows/greeting/rollback", withJSON(map[string]any{})).invalid(t, "version")
		api.call(t, "POST", "/api/v1/flows/greeting/rollback", withJSON(map[string]any{"version": -1})).invalid(t, "version")
		api.call(t, "POST", "/api/v1/flows/greeting/rollback", withJSON(map[string]any{"version": "1"})).invalid(t, "version")
		api.call(t, "POST", "/api/v1/flows/greeting/rollback", withJSON(map[string]any{"version": 9})).fails(t, 404, "not_found")
		api.call(t, "POST", "/api/v1/flows/nope/rollback", withJSON(map[string]any{"version": 1})).fails(t, 404, "not_found")
		api.call(t, "POST", "/api/v1/flows/greeting/rollback").fails(t, 400, "invalid")
	})
}

func TestFlowExportAndImport(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, fixture(t, "greeting.yaml"))
		api.publish(t, "greeting")

		// as written
		r := api.call(t, "GET", "/api/v1/flows/greeting/export").expect(t, 200)
		require.Equal(t, "application/yaml; charset=utf-8", r.Header.Get("Content-Type"))
		require.Equal(t, `attachment; filename="greeting.yaml"`, r.Header.Get("Content-Disposition"))
		require.Equal(t, fixture(t, "greeting.yaml"), string(r.Body))

		// converted to JSON, and back to YAML
		r = api.call(t, "GET", "/api/v1/flows/greeting/export?format=json&version=1").expect(t, 200)
		require.Contains(t, r.Header.Get("Content-Type"), "application/json")
		require.Equal(t, `attachment; filename="greeting.json"`, r.Header.Get("Content-Disposition"))
		var doc map[string]any
		r.decode(t, &doc)
		require.Equal(t, "greeting", doc["id"])
		require.Contains(t, doc["blocks"], "hello")
		asJSON := string(r.Body)

		inJSON := strings.Replace(asJSON, `"greeting"`, `"greeting-json"`, 1)
		var created flowBody
		api.call(t, "POST", "/api/v1/flows/import", withBody("application/json", inJSON)).expect(t, 201).decode(t, &created)
		require.Equal(t, "greeting-json", created.ID)
		require.Equal(t, "json", created.Format)
		require.Empty(t, created.Diagnostics, prettyDiagnostics(created.Diagnostics))

		r = api.call(t, "GET", "/api/v1/flows/greeting-json/export?format=yaml").expect(t, 200)
		require.Equal(t, `attachment; filename="greeting-json.yaml"`, r.Header.Get("Content-Disposition"))
		var back map[string]any
		require.NoError(t, yaml.Unmarshal(r.Body, &back), "the export is YAML: %s", r.Body)
		require.Equal(t, "greeting-json", back["id"])
		var original map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(fixture(t, "greeting.yaml")), &original))
		original["id"] = "greeting-json"
		require.Equal(t, original, back, "YAML → JSON → YAML keeps the document")

		// import replaces a draft (200), and with publish=true publishes it (201, the version)
		var replaced flowBody
		api.call(t, "POST", "/api/v1/flows/import", withBody("application/yaml", fixture(t, "greeting-v2.yaml"))).expect(t, 200).decode(t, &replaced)
		require.Equal(t, fixture(t, "greeting-v2.yaml"), replaced.Source)
		require.Equal(t, 1, replaced.LatestVersion, "import alone does not publish")

		var v flowVersion
		r = api.call(t, "POST", "/api/v1/flows/import?publish=true&message="+url.QueryEscape("from git"), withBody("application/yaml", fixture(t, "greeting-v2.yaml"))).expect(t, 201)
		r.decode(t, &v)
		require.Equal(t, 2, v.Version)
		require.Equal(t, "from git", v.Message)
		// what desk.yaml names exists before it is published
		api.call(t, "PUT", "/api/v1/skills/billing").expect(t, 200)
		api.call(t, "PUT", "/api/v1/calendars/support-hours", withJSON(map[string]any{"timezone": "UTC"})).expect(t, 200)
		api.call(t, "PUT", "/api/v1/emergency/outage", withJSON(map[string]any{"on": false})).expect(t, 200)
		api.call(t, "POST", "/api/v1/flows/import?publish=true", withBody("text/plain", fixture(t, "desk.yaml"))).expect(t, 201).decode(t, &v)
		require.Equal(t, flowVersion{FlowID: "desk", Version: 1, Source: fixture(t, "desk.yaml"), Format: "yaml", Author: v.Author, Message: "imported"}, v)

		e := api.call(t, "POST", "/api/v1/flows/import?publish=true", withBody("application/yaml", fixture(t, "broken.yaml"))).fails(t, 422, "invalid_flow")
		require.NotEmpty(t, e.Diagnostics)
		f, _ := api.getFlow(t, "broken")
		require.Zero(t, f.LatestVersion, "a flow with errors is saved but not published")

		api.call(t, "POST", "/api/v1/flows/import", withBody("application/yaml", "switchboard: 1\nblocks: {}\n")).invalid(t, "source")
		api.call(t, "POST", "/api/v1/flows/import").invalid(t, "source")
		api.call(t, "GET", "/api/v1/flows/greeting/export?format=xml").invalid(t, "format")
		api.call(t, "GET", "/api/v1/flows/greeting/export?version=last").invalid(t, "version")
		api.call(t, "GET", "/api/v1/flows/greeting/export?version=7").fails(t, 404, "not_found")
		api.call(t, "GET", "/api/v1/flows/nope/export").fails(t, 404, "not_found")

		// a draft that cannot be read (the API never saves one; an older tool might have) cannot be converted
		storeUnreadableDraft(t, api, "unreadable")
		e = api.call(t, "GET", "/api/v1/flows/unreadable/export?format=json").fails(t, 422, "invalid_flow")
		require.NotEmpty(t, e.Diagnostics)
	})
}

// flowWith is a one-trigger web chat flow whose reply says text.
func flowWith(id, text string) string {
	return fmt.Sprintf(`switchboard: 1
id: %s
blocks:
  chat:
    type: webchat.trigger
    next: {message: say}
  say:
    type: reply
    params: {text: %q}
    next: {sent: end, failed: end}
  end:
    type: end
`, id, text)
}

// storeUnreadableDraft writes a draft that is not YAML straight to the store.
func storeUnreadableDraft(t *testing.T, api *testAPI, id string) {
	t.Helper()
	_, err := api.store.FlowCreate(context.Background(), store.Flow{ID: id, Name: id, Source: "switchboard: 1\nid: " + id + "\nblocks: [\n", Format: "yaml"}, "test")
	require.NoError(t, err)
}

// codes lists the codes of diagnostics.
func codes(ds []diagnostic) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Code
	}
	return out
}
