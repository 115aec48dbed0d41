// Package store is Switchboard's persistence behind one interface, Store, with two
// implementations written with sqlx: SQLite through the pure-Go modernc.org/sqlite driver (one
// file, WAL; the embedded default, so `switchboard serve` needs nothing installed) and
// PostgreSQL through lib/pq (production, and several nodes sharing one database). Open picks
// one by the URL.
//
// Schema migrations are embedded in the binary, one numbered set per database under
// migrations/, and applied by goose at start and by `switchboard migrate`. The conformance suite
// in storetest runs against both.
//
// # What every implementation promises
//
//   - Admin writes (flows, channels, skills, agents, calendars, switches, contact updates,
//     tokens) append an audit entry in the transaction of the change: a failed change leaves
//     none. The entry's actor is the by argument, its action object.verb ("flow.publish"), its
//     detail a small JSON summary that never holds a secret (a channel's lists the credential
//     keys set and removed).
//   - Times are those of the Options.Clock, in UTC, truncated to microseconds (PostgreSQL's
//     precision), so a time read back equals the time written on either database. SQLite keeps
//     them as fixed-width RFC 3339 text, PostgreSQL as TIMESTAMPTZ.
//   - Errors tell what failed and wrap ErrNotFound, ErrExists (a unique key taken), ErrStale,
//     ErrInUse or ErrInvalid (malformed input) where a caller must tell them apart.
//   - Lists of maps and slices come back empty, never nil.
//
// # Concurrency
//
// Publishing numbers versions without gaps or duplicates: on PostgreSQL the publishing
// transaction locks the flow's row (SELECT … FOR UPDATE) before reading its latest version. Draft
// updates with IfRevision check and write in one UPDATE … WHERE revision = ?. Contact look-ups
// insert with ON CONFLICT DO NOTHING and then read, so racing look-ups create one contact. SQLite
// takes one connection, so its transactions run one at a time and never meet SQLITE_BUSY.
package store
