// Package e2e tests Switchboard's channels and durable sessions end to end: the webhook
// fixtures posted over HTTP to a server wired as `switchboard serve` wires it, with the
// channels' sends going to fake networks; web chat posts that wait for their session's
// outcome; and the switchboard binary itself, killed in the middle of a stream of webhooks
// and started again, or run as two nodes on one PostgreSQL database.
//
// The package holds tests only. Those that build and run the binary are skipped with -short.
package e2e
