// Package settings is the spec of channel and skill settings: what each setting is called, what
// it takes, its default, what it means and where it applies. The one spec drives the checks of
// the admin API (unknown keys with a "did you mean", kinds, ranges, enumerations, URLs and the
// names of calendars), the OpenAPI schemas, the editor's admin forms (served as data) and the
// typed settings routing and the channels read (ParseChannel), so a setting cannot mean one
// thing to the API and another to the code that uses it.
//
// Stored settings are read leniently: a value that does not fit its spec is reported and
// replaced by the default, so an old channel with a bad setting still routes.
package settings
