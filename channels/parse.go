package channels

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Parse normalises a verified webhook body into events: every entry, every messaging and
// changes item, every X event array. Events the engine has no use for (reactions, likes,
// edits, follows, typing, reads without a watermark, standby, leads) come out as EventIgnored,
// named, so that they can be logged. Fields the networks write in several ways are read in
// each: ids as strings or whole numbers, times in seconds or milliseconds, as numbers or
// strings, lists written as a single object, optional objects left out or null.
//
// A body that is not the network's JSON is an error, and so is an event that cannot be read
// (a message without its mid, an id that is neither a string nor a whole number); then Parse
// still returns the events it could read, beside an error naming each one it could not.
func Parse(ch Channel, body []byte) ([]Event, error) {
	switch ch.Type {
	case TypeFacebook, TypeInstagram:
		return parseMeta(ch, body)
	case TypeTwitter:
		return parseX(ch, body)
	case TypeWebchat:
		return parseWebchat(ch, body)
	}
	return nil, unknownType(ch)
}

// decodeObject decodes a JSON object strictly enough to say what is wrong with it.
func decodeObject(data []byte, v any) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return errors.New("empty body")
	}
	if data[0] != '{' {
		return fmt.Errorf("want a JSON object, not %s", preview(data))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return describe(err)
	}
	if dec.InputOffset() < int64(len(data)) {
		return fmt.Errorf("more than one JSON value: %s follows the object", preview(bytes.TrimSpace(data[dec.InputOffset():])))
	}
	return nil
}

// describe rewrites encoding/json's errors to name the field and what it holds.
func describe(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := te.Field
		if where == "" {
			where = "the body"
		}
		return fmt.Errorf("%s is a JSON %s where a %s is expected", where, te.Value, jsonKind(te.Type.Kind().String()))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not valid JSON at byte %d: %v", se.Offset, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("not valid JSON: the body ends early")
	}
	return err
}

func jsonKind(goKind string) string {
	switch goKind {
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "list"
	case "string":
		return "string"
	case "bool":
		return "boolean"
	}
	return goKind
}

func preview(data []byte) string {
	const max = 20
	if len(data) > max {
		return strconv.Quote(string(data[:max])) + "…"
	}
	return strconv.Quote(string(data))
}

// id is a network id: a JSON string, or a whole number kept digit for digit (never through a
// float64, so ids past 2^53 survive).
type id string

func (i *id) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*i = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*i = id(strings.TrimSpace(s))
	case isInteger(b):
		*i = id(b)
	default:
		return fmt.Errorf("id %s is neither a string nor a whole number", preview(b))
	}
	return nil
}

func isInteger(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// stamp is a network time: seconds or milliseconds since the epoch, as a number or a string,
// or a written date (RFC 3339, Graph's 2006-01-02T15:04:05-0700, X v1.1's Ruby dates).
type stamp struct{ time.Time }

// dateLayouts are the written dates networks use.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700", time.RubyDate}

func (s *stamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		s.Time = time.Time{}
		return nil
	}
	text := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
		text = strings.TrimSpace(text)
		if text == "" {
			s.Time = time.Time{}
			return nil
		}
	}
	t, err := parseStamp(text)
	if err != nil {
		return err
	}
	s.Time = t
	return nil
}

// parseStamp reads epoch seconds or milliseconds (told apart by size: 10^11 seconds is the
// year 5138, 10^11 milliseconds 1973), or a written date.
func parseStamp(text string) (time.Time, error) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, text); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("time %s is neither epoch seconds, milliseconds nor a date", strconv.Quote(text))
	}
	if math.IsNaN(f) || f < 0 || f >= maxEpochMillis {
		return time.Time{}, fmt.Errorf("time %s is out of range", strconv.Quote(text))
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		if n >= 1e11 {
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Unix(n, 0).UTC(), nil
	}
	if f >= 1e11 {
		f /= 1000
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), nil
}

// maxEpochMillis is the year 10000 in milliseconds: later times do not fit RFC 3339.
const maxEpochMillis = 253402300800000

// millis writes a time as epoch milliseconds, for keys that must not depend on how the
// network wrote the time.
func millis(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

// located prefixes an error with where in the payload it happened.
type located struct {
	errs []error
}

func (l *located) add(err error, format string, args ...any) {
	if err != nil {
		l.errs = append(l.errs, fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), err))
	}
}

func (l *located) err(network string) error {
	if len(l.errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s payload: %w", network, errors.Join(l.errs...))
}

// flag is a network boolean: true or false, or written as a string or a number ("true", 1),
// as the reference's samples write every property.
type flag bool

func (f *flag) UnmarshalJSON(b []byte) error {
	text := strings.TrimSpace(string(b))
	if len(text) > 0 && text[0] == '"' {
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
	}
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "true", "1":
		*f = true
	case "false", "0", "", "null":
		*f = false
	default:
		return &json.UnmarshalTypeError{Value: jsonValueKind([]byte(strings.TrimSpace(string(b)))) + " " + strconv.Quote(text),
			Type: reflect.TypeFor[bool]()}
	}
	return nil
}

// list is a JSON list the networks sometimes write as a single object (X's DM attachment
// media, some captured Meta payloads): an object reads as a list of one, null as empty.
type list[T any] []T

func (l *list[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*l = nil
		return nil
	case len(b) > 0 && b[0] == '{':
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*l = list[T]{v}
		return nil
	case len(b) > 0 && b[0] == '[':
		var s []T
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = s
		return nil
	}
	return &json.UnmarshalTypeError{Value: jsonValueKind(b), Type: reflect.TypeFor[[]T]()}
}

// jsonValueKind names the kind of a JSON value as encoding/json's errors do.
func jsonValueKind(b []byte) string {
	switch {
	case len(b) == 0:
		return "value"
	case b[0] == '"':
		return "string"
	case b[0] == 't' || b[0] == 'f':
		return "bool"
	}
	return "number"
}
