package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

func TestChannels(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.createFlow(t, fixture(t, "page-care.yaml"))
		api.call(t, "PUT", "/api/v1/skills/billing").expect(t, 200)

		r := api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "acme-page", "type": "facebook", "name": "Acme",
			"credentials": map[string]string{"app_secret": "s3cret-app", "page_access_token": "s3cret-page"},
			"settings":    map[string]any{"account_id": "104857600000001"}, "default_flow": "page-care", "default_skill": "billing"})).expect(t, 201)
		require.Equal(t, "/api/v1/channels/acme-page", r.Header.Get("Location"))
		require.NotContains(t, string(r.Body), "s3cret", "credentials are never returned")
		ch := r.object(t)
		require.Equal(t, map[string]any{"app_secret": "set", "page_access_token": "set", "verify_token": "unset"}, ch["credentials"])
		require.Equal(t, "/webhooks/facebook/acme-page", ch["webhook_path"])
		require.Equal(t, true, ch["enabled"])
		require.Equal(t, "page-care", ch["default_flow"])
		require.Equal(t, "billing", ch["default_skill"])
		require.Equal(t, map[string]any{"account_id": "104857600000001"}, ch["settings"])

		api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "acme-page", "type": "facebook"})).fails(t, 409, "exists")

		// a channel made with the least: its name is its id, no credentials set
		r = api.call(t, "POST", "/api/v1/channels", withJSON(map[string]any{"id": "chat", "type": "webchat", "enabled": false})).expect(t, 201)
		chat := r.object(t)
		require.Equal(t, "chat", chat["name"])
		require.Equal(t, map[string]any{"secret": "unset"}, chat["credentials"])
		require.Equal(t, false, chat["enabled"])
		require.Equal(t, map[string]any{}, chat["settings"])

		list := api.call(t, "GET", "/api/v1/channels").expect(t, 200)
		require.NotContains(t, string(list.Body), "s3cret")
		require.Len(t, list.list(t), 2)
		got := api.call(t, "GET", "/api/v1/channels/acme-page").expect(t, 200)
		require.NotContains(t, string(got.Body), "s3cret")
		require.Equal(t, ch["credentials"], got.object(t)["credentials"])
		api.call(t, "GET", "/api/v1/channels/nope").fails(t, 404, "not_found")

		// credentials merge: set one, remove one, keep the other
		r = api.call(t, "PUT", "/api/v1/channels/acme-page", withJSON(map[string]any{"name": "Acme Care",
			"credentials": map[string]string{"verify_token": "s3cret-verify", "page_access_token": ""}, "default_flow": "page-care"})).expect(t, 200)
		require.NotContains(t, string(r.Body), "s3cret")
		updated := r.object(t)
		require.Equal(t, map[string]any{"app_secret": "set", "page_access_token": "unset", "verify_token": "set"}, updated["credentials"])
		require.Equal(t, "Acme Care", updated["name"])
		require.Equal(t, "facebook", updated["type"], "the type is kept when left out")
		require.Equal(t, map[string]any{"account_id": "104857600000001"}, updated["settings"], "settings are kept when left out")
		require.Equal(t, true, updated["enabled"])
		stored, err := api.store.ChannelGet(context.Background(), "acme-page")
		require.NoError(t, err)
		require.Equal(t, map[string]string{"app_secret": "s3cret-app", "verify_token": "s3cret-verify"}, stored.Credentials)

		r = api.call(t, "PUT", "/api/v1/channels/chat", withJSON(map[string]any{"settings": map[string]any{"callback_url": "https://www.example.com/replies"}})).expect(t, 200)
		require.Equal(t, false, r.object(t)["enabled"], "enabled is kept when left out")

		// a change of one field keeps the others; a refused token stays flagged until a credential is set
		require.NoError(t, api.store.InTx(context.Background(), func(tx store.Tx) error {
			return tx.ChannelNeedsReauth(context.Background(), "acme-page")
		}))
		r = api.call(t, "PUT", "/api/v1/channels/acme-page", withJSON(map[string]any{"enabled": false})).expect(t, 200)
		kept := r.object(t)
		require.Equal(t, "Acme Care", kept["name"], "the name is kept when left out")
		require.Equal(t, "page-care", kept["default_flow"], "the default flow is kept when left out")
		require.Equal(t, "billing", kept["default_skill"], "the default skill is kept when left out")
		require.Equal(t, false, kept["enabled"])
		require.Equal(t, true, kept["needs_reauth"], "a change that sets no credential leaves needs_reauth")
		r = api.call(t, "PUT", "/api/v1/channels/acme-page", withJSON(map[string]any{"default_skill": "",
			"credentials": map[string]string{"page_access_token": "s3cret-new"}})).expect(t, 200)
		require.Equal(t, "", r.object(t)["default_skill"], "an empty value clears a default")
		require.Equal(t, false, r.object(t)["needs_reauth"], "a new credential clears needs_reauth")

		// the audit log names the credentials changed, never their values
		audit := api.call(t, "GET", "/api/v1/audit?object=channel&object_id=acme-page").expect(t, 200)
		require.NotContains(t, string(audit.Body), "s3cret")
		require.Contains(t, string(audit.Body), "verify_token")

		cases := []struct {
			name, method, path string
			body               any
			field              string
		}{
			{"a bad id", "POST", "/api/v1/channels", map[string]any{"id": "Acme Page", "type": "facebook"}, "id"},
			{"no id", "POST", "/api/v1/channels", map[string]any{"type": "facebook"}, "id"},
			{"an unknown type", "POST", "/api/v1/channels", map[string]any{"id": "fax", "type": "fax"}, "type"},
			{"a default flow that does not exist", "POST", "/api/v1/channels", map[string]any{"id": "x", "type": "twitter", "default_flow": "ghost"}, "default_flow"},
			{"a default skill that does not exist", "POST", "/api/v1/channels", map[string]any{"id": "x", "type": "twitter", "default_skill": "ghost"}, "default_skill"},
			{"a badly named default skill", "POST", "/api/v1/channels", map[string]any{"id": "x", "type": "twitter", "default_skill": "a b"}, "default_skill"},
			// a wrong type inside a map names the map, not its key (encoding/json does not say which)
			{"credentials that are not text", "POST", "/api/v1/channels", map[string]any{"id": "x", "type": "twitter", "credentials": map[string]any{"access_token": 1}}, "credentials"},
			{"an unknown field", "POST", "/api/v1/channels", map[string]any{"id": "x", "type": "twitter", "token": "t"}, "token"},
			{"a type change", "PUT", "/api/v1/channels/acme-page", map[string]any{"type": "instagram"}, "type"},
			{"an id change", "PUT", "/api/v1/channels/acme-page", map[string]any{"id": "other"}, "id"},
			{"a default flow that does not exist, on change", "PUT", "/api/v1/channels/acme-page", map[string]any{"default_flow": "ghost"}, "default_flow"},
			{"enabled as text", "PUT", "/api/v1/channels/acme-page", map[string]any{"enabled": "yes"}, "enabled"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				api.call(t, c.method, c.path, withJSON(c.body)).invalid(t, c.field)
			})
		}
		api.call(t, "PUT", "/api/v1/channels/nope", withJSON(map[string]any{"type": "webchat"})).fails(t, 404, "not_found")
		require.Len(t, api.call(t, "GET", "/api/v1/channels").expect(t, 200).list(t), 2, "nothing refused was stored")

		api.call(t, "DELETE", "/api/v1/channels/acme-page").expect(t, 204)
		api.call(t, "GET", "/api/v1/channels/acme-page").fails(t, 404, "not_found")
		api.call(t, "DELETE", "/api/v1/channels/acme-page").fails(t, 404, "not_found")
	})
}

func TestSkills(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		sk := api.call(t, "PUT", "/api/v1/skills/billing", withJSON(map[string]any{"description": "Invoices", "dispositions": []string{"solved", "no_answer"}, "require_accept": true})).expect(t, 200).object(t)
		require.Equal(t, "billing", sk["name"])
		require.Equal(t, "Invoices", sk["description"])
		require.Equal(t, []any{"solved", "no_answer"}, sk["dispositions"])
		require.Equal(t, true, sk["require_accept"])

		// names: 2 to 30 letters, digits, - _ . :
		for _, name := range []string{"ok", "Sales.ES:tier-2_x", strings.Repeat("a", 30)} {
			api.call(t, "PUT", "/api/v1/skills/"+name).expect(t, 200)
		}
		for _, name := range []string{"a", strings.Repeat("a", 31), "bad!name", "bad,name"} {
			t.Run(name, func(t *testing.T) {
				api.call(t, "PUT", "/api/v1/skills/"+name).invalid(t, "name")
			})
		}
		// a name escaped in the path, as encodeURIComponent writes it, is the same name
		require.Equal(t, "sales:tier", api.call(t, "PUT", "/api/v1/skills/sales%3Atier").expect(t, 200).object(t)["name"])
		require.Equal(t, "sales:tier", api.call(t, "GET", "/api/v1/skills/sales%3Atier").expect(t, 200).object(t)["name"])
		api.call(t, "DELETE", "/api/v1/skills/sales:tier").expect(t, 204)

		api.call(t, "PUT", "/api/v1/skills/billing", withJSON(map[string]any{"dispositions": []string{"solved", "2bad"}})).invalid(t, "dispositions[1]")
		api.call(t, "PUT", "/api/v1/skills/billing", withJSON(map[string]any{"dispositions": "solved"})).invalid(t, "dispositions")
		api.call(t, "PUT", "/api/v1/skills/billing", withJSON(map[string]any{"name": "other"})).invalid(t, "name")

		// a skill put again is replaced
		sk = api.call(t, "PUT", "/api/v1/skills/billing", withJSON(map[string]any{"description": "Bills"})).expect(t, 200).object(t)
		require.Equal(t, "Bills", sk["description"])
		require.Equal(t, []any{}, sk["dispositions"])

		names := []string{}
		for _, s := range api.call(t, "GET", "/api/v1/skills").expect(t, 200).list(t) {
			names = append(names, s["name"].(string))
		}
		require.Equal(t, []string{"Sales.ES:tier-2_x", strings.Repeat("a", 30), "billing", "ok"}, names)
		require.Equal(t, "Bills", api.call(t, "GET", "/api/v1/skills/billing").expect(t, 200).object(t)["description"])
		api.call(t, "GET", "/api/v1/skills/nope").fails(t, 404, "not_found")
		api.call(t, "DELETE", "/api/v1/skills/billing").expect(t, 204)
		api.call(t, "DELETE", "/api/v1/skills/billing").fails(t, 404, "not_found")
		api.call(t, "GET", "/api/v1/skills/billing").fails(t, 404, "not_found")
	})
}

func TestAgents(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.call(t, "PUT", "/api/v1/skills/billing").expect(t, 200)
		api.call(t, "PUT", "/api/v1/skills/sales").expect(t, 200)

		a := api.call(t, "PUT", "/api/v1/agents/ana", withJSON(map[string]any{"name": "Ana", "skills": map[string]int{"billing": 12, "sales": 1},
			"capacity": 3, "channel_capacity": map[string]int{"facebook": 2, "webchat": 0}, "groups": []string{"day"}, "blending": false})).expect(t, 200).object(t)
		require.Equal(t, "Ana", a["name"])
		require.Equal(t, map[string]any{"billing": 12.0, "sales": 1.0}, a["skills"])
		require.EqualValues(t, 3, a["capacity"])
		require.Equal(t, map[string]any{"facebook": 2.0, "webchat": 0.0}, a["channel_capacity"])
		require.Equal(t, []any{"day"}, a["groups"])
		require.Equal(t, false, a["blending"])

		// the least: capacity 1, blending, no skills
		b := api.call(t, "PUT", "/api/v1/agents/bruno", withJSON(map[string]any{})).expect(t, 200).object(t)
		require.Equal(t, "bruno", b["name"])
		require.EqualValues(t, 1, b["capacity"])
		require.Equal(t, true, b["blending"])
		require.Equal(t, map[string]any{}, b["skills"])
		require.Equal(t, []any{}, b["groups"])

		api.call(t, "PUT", "/api/v1/agents/bruno", withJSON(map[string]any{"skills": map[string]int{"billing": 20}, "capacity": 100})).expect(t, 200)

		cases := []struct {
			name, id string
			body     any
			field    string
		}{
			{"proficiency 0", "ana", map[string]any{"skills": map[string]int{"billing": 0}}, "skills.billing"},
			{"proficiency 21", "ana", map[string]any{"skills": map[string]int{"billing": 21}}, "skills.billing"},
			{"a skill that does not exist", "ana", map[string]any{"skills": map[string]int{"ghost": 5}}, "skills.ghost"},
			{"a proficiency that is not a number", "ana", map[string]any{"skills": map[string]any{"billing": "high"}}, "skills"},
			{"capacity 101", "ana", map[string]any{"capacity": 101}, "capacity"},
			{"a negative capacity", "ana", map[string]any{"capacity": -1}, "capacity"},
			{"a channel capacity over the capacity", "ana", map[string]any{"capacity": 2, "channel_capacity": map[string]int{"facebook": 3}}, "channel_capacity.facebook"},
			{"a channel type that does not exist", "ana", map[string]any{"channel_capacity": map[string]int{"fax": 1}}, "channel_capacity.fax"},
			{"a bad id", "Ana%20Lopez", map[string]any{}, "id"},
			{"an unknown field", "ana", map[string]any{"skill": "billing"}, "skill"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				api.call(t, "PUT", "/api/v1/agents/"+c.id, withJSON(c.body)).invalid(t, c.field)
			})
		}
		api.call(t, "PUT", "/api/v1/agents/ana").fails(t, 400, "invalid")

		list := api.call(t, "GET", "/api/v1/agents").expect(t, 200).list(t)
		require.Len(t, list, 2)
		require.Equal(t, "ana", list[0]["id"])
		require.Equal(t, map[string]any{"billing": 12.0, "sales": 1.0}, api.call(t, "GET", "/api/v1/agents/ana").expect(t, 200).object(t)["skills"], "refused changes were not stored")
		api.call(t, "GET", "/api/v1/agents/nope").fails(t, 404, "not_found")
		api.call(t, "DELETE", "/api/v1/agents/ana").expect(t, 204)
		api.call(t, "DELETE", "/api/v1/agents/ana").fails(t, 404, "not_found")
	})
}

func TestCalendars(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		body := map[string]any{"timezone": "America/Argentina/Buenos_Aires", "open": map[string]any{"mon-fri": []string{"09:00-13:00", "14:00-18:00"}},
			"special": []string{"12-24"}, "country": "AR"}
		c := api.call(t, "PUT", "/api/v1/calendars/support-hours", withJSON(body)).expect(t, 200).object(t)
		require.Equal(t, "support-hours", c["name"])
		require.Equal(t, "America/Argentina/Buenos_Aires", c["timezone"])
		require.EqualValues(t, 1, c["version"])
		require.Equal(t, "AR", c["country"])
		c = api.call(t, "PUT", "/api/v1/calendars/support-hours", withJSON(body)).expect(t, 200).object(t)
		require.EqualValues(t, 2, c["version"], "each change bumps the version")

		cases := []struct {
			name, calendar string
			body           any
			field          string
		}{
			{"an unknown zone", "x", map[string]any{"timezone": "Mars/Olympus"}, "timezone"},
			{"no zone", "x", map[string]any{"open": map[string]any{"mon": []string{"09:00-10:00"}}}, "timezone"},
			{"a bad range", "x", map[string]any{"timezone": "UTC", "open": map[string]any{"mon-fri": []string{"09:00-13:00", "25:00-26:00"}}}, "open.mon-fri[1]"},
			{"a bad day", "x", map[string]any{"timezone": "UTC", "open": map[string]any{"someday": []string{"09:00-10:00"}}}, "open.someday"},
			{"a bad special day", "x", map[string]any{"timezone": "UTC", "special": []string{"12-25", "13-45"}}, "special[1]"},
			{"an unknown country", "x", map[string]any{"timezone": "UTC", "country": "XX"}, "country"},
			{"a bad name", "Support%20Hours", map[string]any{"timezone": "UTC"}, "name"},
			{"hours that are not a list", "x", map[string]any{"timezone": "UTC", "open": map[string]any{"mon": "09:00-10:00"}}, "open"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				api.call(t, "PUT", "/api/v1/calendars/"+tc.calendar, withJSON(tc.body)).invalid(t, tc.field)
			})
		}

		list := api.call(t, "GET", "/api/v1/calendars").expect(t, 200).list(t)
		require.Len(t, list, 1)
		require.Equal(t, map[string]any{"mon-fri": []any{"09:00-13:00", "14:00-18:00"}}, api.call(t, "GET", "/api/v1/calendars/support-hours").expect(t, 200).object(t)["open"])
		api.call(t, "GET", "/api/v1/calendars/x").fails(t, 404, "not_found")
		api.call(t, "DELETE", "/api/v1/calendars/support-hours").expect(t, 204)
		api.call(t, "DELETE", "/api/v1/calendars/support-hours").fails(t, 404, "not_found")
	})
}

func TestEmergencySwitches(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		tokens := api.tokens(t)
		require.Empty(t, api.call(t, "GET", "/api/v1/emergency").expect(t, 200).list(t))

		sw := api.call(t, "PUT", "/api/v1/emergency/outage.payments", withJSON(map[string]any{"on": true}), withToken(tokens["supervisor"])).expect(t, 200).object(t)
		require.Equal(t, "outage.payments", sw["name"])
		require.Equal(t, true, sw["on"])
		require.Contains(t, sw["updated_by"], "test supervisor (t_")
		sw = api.call(t, "PUT", "/api/v1/emergency/outage.payments", withJSON(map[string]any{"on": false})).expect(t, 200).object(t)
		require.Equal(t, false, sw["on"])
		require.Contains(t, sw["updated_by"], "test admin (t_")
		list := api.call(t, "GET", "/api/v1/emergency", withToken(tokens["designer"])).expect(t, 200).list(t)
		require.Len(t, list, 1)
		require.Equal(t, false, list[0]["on"])

		api.call(t, "PUT", "/api/v1/emergency/storm", withJSON(map[string]any{})).invalid(t, "on")
		api.call(t, "PUT", "/api/v1/emergency/storm", withJSON(map[string]any{"on": "yes"})).invalid(t, "on")
		api.call(t, "PUT", "/api/v1/emergency/storm", withJSON(map[string]any{"on": true, "until": "tomorrow"})).invalid(t, "until")
		api.call(t, "PUT", "/api/v1/emergency/Storm", withJSON(map[string]any{"on": true})).invalid(t, "name")
		api.call(t, "PUT", "/api/v1/emergency/storm").fails(t, 400, "invalid")
		require.Len(t, api.call(t, "GET", "/api/v1/emergency").expect(t, 200).list(t), 1)
	})
}

func TestContacts(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		tokens := api.tokens(t)
		ctx := context.Background()
		var ids []string
		for i, name := range []string{"Ana López", "Bruno Díaz", "Carla Ruiz"} {
			c, found, err := api.store.ContactLookup(ctx, "facebook", engine.Author{ID: fmt.Sprint(7000 + i), Name: name, Handle: "@" + strings.ToLower(name[:3])}, map[string]any{"source": "test"})
			require.NoError(t, err)
			require.False(t, found)
			ids = append(ids, c.ID)
		}

		list := api.call(t, "GET", "/api/v1/contacts").expect(t, 200).list(t)
		require.Len(t, list, 3)
		require.Equal(t, "Carla Ruiz", list[0]["name"], "newest first")
		require.Equal(t, "facebook", list[0]["channel"])
		require.Equal(t, "7002", list[0]["external_id"])

		found := api.call(t, "GET", "/api/v1/contacts?q=bru").expect(t, 200).list(t)
		require.Len(t, found, 1)
		require.Equal(t, "Bruno Díaz", found[0]["name"])
		require.Len(t, api.call(t, "GET", "/api/v1/contacts?q=%40car").expect(t, 200).list(t), 1, "handles match too")
		page := api.call(t, "GET", "/api/v1/contacts?limit=1&offset=1").expect(t, 200).list(t)
		require.Len(t, page, 1)
		require.Equal(t, "Bruno Díaz", page[0]["name"])
		api.call(t, "GET", "/api/v1/contacts?limit=many").invalid(t, "limit")
		api.call(t, "GET", "/api/v1/contacts?offset=-1").invalid(t, "offset")

		c := api.call(t, "GET", "/api/v1/contacts/"+ids[0]).expect(t, 200).object(t)
		require.Equal(t, "Ana López", c["name"])
		require.Equal(t, map[string]any{"source": "test"}, c["attributes"])
		api.call(t, "GET", "/api/v1/contacts/c_nope").fails(t, 404, "not_found")

		// a supervisor changes what is given and keeps the rest
		c = api.call(t, "PUT", "/api/v1/contacts/"+ids[0], withJSON(map[string]any{"vip": true, "tags": []string{"press"}}), withToken(tokens["supervisor"])).expect(t, 200).object(t)
		require.Equal(t, true, c["vip"])
		require.Equal(t, []any{"press"}, c["tags"])
		require.Equal(t, "Ana López", c["name"])
		require.Equal(t, map[string]any{"source": "test"}, c["attributes"])
		c = api.call(t, "PUT", "/api/v1/contacts/"+ids[0], withJSON(map[string]any{"name": "Ana L.", "attributes": map[string]any{"tier": "gold"}})).expect(t, 200).object(t)
		require.Equal(t, "Ana L.", c["name"])
		require.Equal(t, true, c["vip"])
		require.Equal(t, map[string]any{"tier": "gold"}, c["attributes"])

		api.call(t, "PUT", "/api/v1/contacts/"+ids[0], withJSON(map[string]any{"vip": "yes"})).invalid(t, "vip")
		api.call(t, "PUT", "/api/v1/contacts/"+ids[0], withJSON(map[string]any{"handle": "@x"})).invalid(t, "handle")
		api.call(t, "PUT", "/api/v1/contacts/"+ids[0], withJSON(map[string]any{"tags": "press"})).invalid(t, "tags")
		api.call(t, "PUT", "/api/v1/contacts/c_nope", withJSON(map[string]any{"vip": true})).fails(t, 404, "not_found")
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		api.call(t, "PUT", "/api/v1/agents/ana", withJSON(map[string]any{})).expect(t, 200)

		var created struct {
			Token struct {
				ID, Name, Role, Agent string
			} `json:"token"`
			Secret string `json:"secret"`
		}
		api.call(t, "POST", "/api/v1/tokens", withJSON(map[string]any{"name": "Flow team", "role": "designer"})).expect(t, 201).decode(t, &created)
		require.True(t, strings.HasPrefix(created.Secret, "sbt_"))
		require.Equal(t, "Flow team", created.Token.Name)
		require.Equal(t, "designer", created.Token.Role)
		designer := created.Secret

		// the secret works at once
		api.call(t, "GET", "/api/v1/flows", withToken(designer)).expect(t, 200)
		api.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"id": "made-by-designer"}), withToken(designer)).expect(t, 201)
		f, _ := api.getFlow(t, "made-by-designer")
		require.Equal(t, "Flow team ("+created.Token.ID+")", f.UpdatedBy)

		var agent struct {
			Token struct {
				Role, Agent, Name string
			} `json:"token"`
		}
		api.call(t, "POST", "/api/v1/tokens", withJSON(map[string]any{"role": "agent", "agent": "ana"})).expect(t, 201).decode(t, &agent)
		require.Equal(t, "ana", agent.Token.Agent)
		require.Equal(t, "agent", agent.Token.Name, "a token's name is its role when left out")

		list := api.call(t, "GET", "/api/v1/tokens").expect(t, 200)
		require.NotContains(t, string(list.Body), designer[4:], "secrets are never listed")
		require.NotContains(t, string(list.Body), "hash")
		tokens := list.list(t)
		require.Len(t, tokens, 3)
		require.Equal(t, "test admin", tokens[0]["name"], "oldest first")
		require.NotNil(t, tokens[0]["last_used_at"], "the admin's token was used")
		require.Equal(t, "Flow team", tokens[1]["name"])

		cases := []struct {
			name  string
			body  any
			field string
		}{
			{"no role", map[string]any{"name": "x"}, "role"},
			{"an unknown role", map[string]any{"role": "owner"}, "role"},
			{"an agent token without an agent", map[string]any{"role": "agent"}, "agent"},
			{"an agent token for an agent that does not exist", map[string]any{"role": "agent", "agent": "ghost"}, "agent"},
			{"another token naming an agent", map[string]any{"role": "designer", "agent": "ana"}, "agent"},
			{"an unknown field", map[string]any{"role": "designer", "expires": "2027-01-01"}, "expires"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				api.call(t, "POST", "/api/v1/tokens", withJSON(c.body)).invalid(t, c.field)
			})
		}

		// a deleted token stops working at once
		api.call(t, "DELETE", "/api/v1/tokens/"+created.Token.ID).expect(t, 204)
		e := api.call(t, "GET", "/api/v1/flows", withToken(designer)).fails(t, 401, "unauthorized")
		require.Contains(t, e.Error.Message, "not valid")
		api.call(t, "DELETE", "/api/v1/tokens/"+created.Token.ID).fails(t, 404, "not_found")
		require.Len(t, api.call(t, "GET", "/api/v1/tokens").expect(t, 200).list(t), 2)

		// the last admin token is kept, so that someone can still manage the server
		first := tokens[0]["id"].(string)
		e = api.call(t, "DELETE", "/api/v1/tokens/"+first).fails(t, 409, "in_use")
		require.Contains(t, e.Error.Message, "last admin token")
		api.call(t, "GET", "/api/v1/tokens").expect(t, 200)
		var second struct {
			Token struct {
				ID string `json:"id"`
			} `json:"token"`
			Secret string `json:"secret"`
		}
		api.call(t, "POST", "/api/v1/tokens", withJSON(map[string]any{"role": "admin"})).expect(t, 201).decode(t, &second)
		api.call(t, "DELETE", "/api/v1/tokens/"+first, withToken(second.Secret)).expect(t, 204)
		api.call(t, "DELETE", "/api/v1/tokens/"+second.Token.ID, withToken(second.Secret)).fails(t, 409, "in_use")
	})
}

func TestAudit(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, api *testAPI) {
		tokens := api.tokens(t)
		api.call(t, "POST", "/api/v1/flows", withJSON(map[string]any{"source": fixture(t, "greeting.yaml")}), withToken(tokens["designer"])).expect(t, 201)
		api.call(t, "POST", "/api/v1/flows/greeting/publish", withJSON(map[string]any{"message": "go live"}), withToken(tokens["designer"])).expect(t, 201)
		api.call(t, "PUT", "/api/v1/skills/billing").expect(t, 200)
		api.call(t, "PUT", "/api/v1/emergency/outage", withJSON(map[string]any{"on": true}), withToken(tokens["supervisor"])).expect(t, 200)
		api.call(t, "DELETE", "/api/v1/skills/billing").expect(t, 204)

		type entry struct {
			ID       int64  `json:"id"`
			Actor    string `json:"actor"`
			Action   string `json:"action"`
			Object   string `json:"object"`
			ObjectID string `json:"object_id"`
			Detail   string `json:"detail"`
		}
		var all []entry
		api.call(t, "GET", "/api/v1/audit").expect(t, 200).decode(t, &all)
		var actions []string
		for _, e := range all {
			actions = append(actions, e.Action+" "+e.ObjectID)
		}
		require.Equal(t, []string{"skill.delete billing", "switch.set outage", "skill.put billing", "flow.publish greeting", "flow.create greeting"}, actions[:5], "newest first")
		require.Contains(t, all[0].Actor, "test admin (t_")
		require.Contains(t, all[1].Actor, "test supervisor (t_")
		require.Contains(t, all[3].Actor, "test designer (t_")
		require.Contains(t, all[3].Detail, "go live")

		var flows []entry
		api.call(t, "GET", "/api/v1/audit?object=flow").expect(t, 200).decode(t, &flows)
		require.Len(t, flows, 2)
		var one []entry
		api.call(t, "GET", "/api/v1/audit?object=skill&object_id=billing&limit=1").expect(t, 200).decode(t, &one)
		require.Len(t, one, 1)
		require.Equal(t, "skill.delete", one[0].Action)
		api.call(t, "GET", fmt.Sprintf("/api/v1/audit?object=skill&before=%d", one[0].ID)).expect(t, 200).decode(t, &one)
		require.Len(t, one, 1)
		require.Equal(t, "skill.put", one[0].Action)

		api.call(t, "GET", "/api/v1/audit?limit=ten").invalid(t, "limit")
		api.call(t, "GET", "/api/v1/audit?before=-5").invalid(t, "before")
	})
}
