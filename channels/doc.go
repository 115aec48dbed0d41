// Package channels speaks the networks' protocols: Facebook pages (Messenger and the page
// feed), Instagram (Direct, comments and mentions), X (the Account Activity API and API v2)
// and Switchboard's own web chat.
//
// Inbound, a webhook request goes through three steps, all of them pure functions of a
// [Channel] and the request: [Handshake] answers the network's verification GET,
// [VerifySignature] checks a POST's signature over the exact raw body before anything reads
// it, and [Parse] normalises the verified body into [Event]s: customer interactions, echoes of
// our own sends, read and delivery watermarks and removed comments, each with a dedupe [Event.Key]
// that is the same however the network batches its retries.
//
// Outbound, a [Client] performs one engine action (a reply, a like, a retweet, a hide) with its
// network's real endpoint, refuses before calling what a messaging window forbids, and
// classifies every failure as a [*SendError] whose [ErrorClass] tells the caller whether to
// retry, back off, give up, re-authorise the channel or count the action as sent.
//
// The package stores nothing and serves no HTTP: the server calls it, keeps the raw payloads
// and the dedupe keys, and schedules the retries. Package channels/fakenet has fake Graph and X
// servers for tests.
package channels
