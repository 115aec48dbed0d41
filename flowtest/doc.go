// Package flowtest runs flow test files (*.test.yaml): scenarios played through a flow with
// expectations on the path, exits, actions, variables and status. `switchboard test` runs them
// from the command line; Go tests run them with Check.
//
// A test file names the flow under test, relative to itself, and lists cases:
//
//	flow: facebook-care.yaml
//	cases:
//	  - name: a billing comment in hours goes to the best agent
//	    at: 2026-11-17T10:00:00-03:00
//	    interaction: {channel: facebook, kind: comment, text: "Quiero la factura"}
//	    agents: [{id: a1, skills: {billing: 12}}]
//	    events:
//	      - close: {agent: a1, disposition: solved}
//	    expect:
//	      status: ended
//	      exits: {hours: open, topic: billing, to-billing: done}
//	      actions:
//	        - {type: route, skill: billing, agent: a1}
//	      vars: {disposition: solved}
//
// A case may also set vars (over the flow's own), contact, emergency ({name: true}), calendars, queue_limit (per available
// agent), default_skill (the channel's), seed, and fail: action types whose sends fail
// ([reply]) or the n-th one only ([reply#2]). Events are advance: DURATION, reply: {text: …},
// assign: AGENT and close: {agent, disposition}. A file's defaults: apply to every case.
package flowtest
