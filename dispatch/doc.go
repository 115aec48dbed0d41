// Package dispatch runs Switchboard's sessions durably. It takes what the networks deliver —
// raw webhook payloads, stored before they are acknowledged — and turns each event into its
// conversation's next step: a new session of the channel's default flow, the resumption of the
// session that waits for the customer, or a message for the agent who owns the conversation.
//
// A session run happens in memory, against a snapshot of the session, and its results are
// written in one transaction: the interaction, the session's new state, the actions it queued in
// the outbox, the conversation's tags or closing, the routing request. The transaction checks
// that the session did not move meanwhile (its version), and the run is repeated when it did.
// Network actions leave through the outbox: workers send them with retries classified by the
// networks' error codes, and the result resumes the waiting block. Deadlines (wait.reply, queue
// timeouts) are rows too; workers claim the due ones and resume them with a timeout.
//
// Every node of a PostgreSQL deployment runs the same workers: claims lease rows with FOR
// UPDATE SKIP LOCKED so each is handled once, and notifications wake idle nodes, with polling as
// the fallback. Nothing lives only in memory: a node that dies leaves leases that run out, and
// another node picks the work up.
package dispatch
