// Package dispatch runs Switchboard's sessions durably. It takes what the networks deliver —
// raw webhook payloads, stored before they are acknowledged — and turns each event into its
// conversation's next step: a new session of the channel's default flow, the resumption of the
// session that waits for the customer, or a message for the agent who owns the conversation.
//
// A session run happens in memory, against a snapshot of the session, and its results are
// written in one transaction: the interaction, the session's new state, the actions it queued in
// the outbox, the conversation's tags or closing, the routing request. The transaction checks
// that the session did not move meanwhile (its version), and the run is repeated when it did.
// Before a new session of a Messenger or Instagram Direct customer whose name the event does
// not tell, the customer's profile is read from the cache or looked up on the network, bounded
// in time, so that the flow has the name from its first block (profiles.go).
// Network actions leave through the outbox: workers send them with retries classified by the
// networks' error codes, and the result resumes the waiting block. Deadlines (wait.reply, queue
// timeouts) are rows too; workers claim the due ones and resume them with a timeout.
//
// A send is never repeated blindly. Its attempt is recorded (committed on its own) before the
// network is called, with the row held for the send timeout and a margin; a call written and
// not answered, or a node that died mid-send, leaves the attempt on record with no result, and
// whoever claims the row next reads the network back first (reconcile.go): found is recorded
// sent, absent is sent again, and what no network can tell follows the channel's unknown_send.
//
// Every node of a PostgreSQL deployment runs the same workers: claims lease rows with FOR
// UPDATE SKIP LOCKED so each is handled once, and notifications wake idle nodes, with polling as
// the fallback. Nothing lives only in memory: a node that dies leaves leases that run out, and
// another node picks the work up.
//
// # Committing
//
// Units of work (a message handled, a send's result recorded, a payload stored) are committed
// by a few committers, many units to a transaction, without a savepoint each: a unit that fails
// rolls the transaction back, and it runs again without that unit, which gets its error. A
// unit may therefore run more than once, and keeps nothing from a run that was rolled back.
// The writes of a batch wait in memory and are written when it commits, one multi-row
// statement per table (store/pipeline_buffer.go): on PostgreSQL that saves round trips, on
// SQLite the work of a statement each. The read before a message's transaction is one query
// (store.Pipeline.InboundState).
//
// # Lock order
//
// Several committers (and several nodes) commit batches at once on PostgreSQL, and a batch
// holds the row locks of all its units until it commits, so two batches that lock the same
// rows in opposite orders would wait for each other: the database breaks such a deadlock by
// failing one of them (40P01). A batch of several units takes its locks in this order:
//
//  1. while its units run, in unit order: the rows only they can hold — rows they insert with
//     ids or keys of their own (new conversations, sessions, outbox rows, queue entries), the
//     outbox row of the send whose result it records (a leased row: one node, one worker), and
//     queue entries (their own session's);
//  2. at commit, in this order of tables and, within a table, ascending keys: event keys
//     (channel, key), payloads (id), conversations (id), sessions (id), interactions (id),
//     the new ones before the changed ones.
//
// The rows two batches can both want — the conversation a message and a send's result both
// update, the interaction an echo and a send's result both mark sent, the session an event
// resumes, the event key two deliveries of one event insert — are all taken in step 2, where
// every batch goes through the same sequence in the same order. A batch that waits there waits
// for a batch that is further along the same sequence, which never waits for it back, so the
// waits cannot close a cycle. Step 1 holds no row another batch waits for in step 2 before
// its own step 2, because its rows are new or leased to it. What remains outside this order:
// a read inside a unit that the buffer cannot answer (marking watermarks, opening a
// conversation for an echo) writes the buffer out early, and a batch of one unit writes as it
// goes; such batches lock fewer rows and are short. The store counts and logs the deadlocks
// the database breaks anyway, with the waits PostgreSQL reports, and tries the batch again;
// TestEchoesAndSendResultsRarelyDeadlock crosses echoes and send results for hundreds of
// conversations and allows at most one deadlock per hundred of them, none of their work lost.
// Under a loaded machine about one run in twenty meets one: the early write-outs above, which
// the order does not cover yet.
package dispatch
