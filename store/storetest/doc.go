// Package storetest is the conformance suite every store.Store passes, and the helpers other
// packages' tests open fresh databases with (OpenSQLite, OpenPostgres).
//
// Run checks each method and each of its errors on a new database per test, with a manual
// clock whose time has nanoseconds and a zone, so that every time read back must equal the
// time written in UTC and microseconds.
package storetest
