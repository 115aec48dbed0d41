// Package sim runs a flow against a scenario in memory: an interaction at a chosen time, with
// a contact, agents, emergency switches and calendars, then follow-up events (the customer
// replies, an agent takes or closes the conversation, time passes). `switchboard run`, flow
// tests and the editor's simulations all go through it, so they agree on what a flow does.
package sim
