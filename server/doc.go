// Package server is Switchboard's HTTP face, on fiber: the admin and editor API under /api/v1
// (flows with drafts, versions, diffs, validation, simulation and replay; channels, skills,
// agents, calendars, emergency switches, contacts, tokens and the audit log), the supervisor and
// agent API, the webhooks of the channels, health and Prometheus metrics, and the embedded
// editor at /. Every operation is documented in openapi.yaml, served at /api/v1/openapi.json,
// and the tests hold the server to it. Tokens carry a role (admin, designer, supervisor, agent)
// that decides what they may do; errors are JSON with a code, a message and the field at fault.
package server
