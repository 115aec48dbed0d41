package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// sqliteTime is how SQLite keeps times: TEXT, UTC, fixed width with microseconds, so that
// comparing the text compares the times.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// timestamp reads a time column of either database in UTC: PostgreSQL's TIMESTAMPTZ arrives as a
// time.Time, SQLite's TEXT as a string.
type timestamp struct{ time.Time }

func (t *timestamp) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		t.Time = v.UTC()
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	default:
		return fmt.Errorf("timestamp: cannot read %T", v)
	}
	return nil
}

func (t *timestamp) parse(s string) error {
	p, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	t.Time = p.UTC()
	return nil
}

// nullTimestamp reads a time column that may be NULL.
type nullTimestamp struct{ Time *time.Time }

func (t *nullTimestamp) Scan(v any) error {
	if v == nil {
		t.Time = nil
		return nil
	}
	var ts timestamp
	if err := ts.Scan(v); err != nil {
		return err
	}
	t.Time = &ts.Time
	return nil
}

// jsonArg is v as the text of a JSON column; nil maps and slices are written as empty ones.
func jsonArg(v any, empty string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if string(b) == "null" {
		return empty, nil
	}
	return string(b), nil
}

// mustJSON is jsonArg for values that always encode: maps of strings and numbers, string slices.
func mustJSON(v any, empty string) string {
	s, err := jsonArg(v, empty)
	if err != nil {
		panic(fmt.Sprintf("store: encoding %T: %v", v, err)) // programmer error
	}
	return s
}

// fromJSON decodes a JSON column read as text.
func fromJSON(text string, v any) error {
	if text == "" {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader([]byte(text)))
	return d.Decode(v)
}

// canonicalJSON is JSON text with sorted keys and no spaces, whichever database kept it
// (JSONB orders keys its own way and adds spaces).
func canonicalJSON(text string) string {
	var v any
	d := json.NewDecoder(bytes.NewReader([]byte(text)))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return text
	}
	b, err := json.Marshal(v)
	if err != nil {
		return text
	}
	return string(b)
}
