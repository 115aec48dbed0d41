// Package routingtest tests the routing capability end to end: the real HTTP server, the
// dispatcher, the queue and the ACD wired as switchboard serve wires them, on SQLite and on
// PostgreSQL, with a manual clock. The ACD does not run by itself: tests step it, so that each
// decision happens when the test says.
package routingtest
