package engine

import (
	"reflect"
	"time"
	"unicode/utf8"
)

// Sizes the budget counts for what is not text: a list or map entry, a number.
const (
	entrySize  = 16 // an interface or string header in a list
	numberSize = 24 // a number's text at most
)

// JSONSize tells, without building it, about how many bytes the JSON text of v takes (with
// indent, as toJSON writes it). It stops counting past limit: the caller only needs to know
// that it does not fit.
func JSONSize(v any, indent bool, limit int64) int64 {
	s := sizer{indent: indent, limit: limit}
	s.value(reflect.ValueOf(v), 0)
	return s.n
}

// TextSize tells about how many bytes AppendText writes for v, stopping past limit.
func TextSize(v any, limit int64) int64 {
	switch x := v.(type) {
	case nil:
		return 0
	case string:
		return int64(len(x))
	case int, int64, float64, bool, time.Duration:
		return numberSize
	case time.Time:
		return 40
	}
	return JSONSize(v, false, limit)
}

type sizer struct {
	n, limit int64
	indent   bool
}

func (s *sizer) count(n int64) bool {
	s.n = add(s.n, n)
	return s.n <= s.limit
}

// entry counts the separator and indentation of one list or map entry.
func (s *sizer) entry(depth int) bool {
	if s.indent {
		return s.count(int64(2*depth + 3))
	}
	return s.count(1)
}

func (s *sizer) value(v reflect.Value, depth int) bool {
	if !v.IsValid() {
		return s.count(4)
	}
	if depth > 64 {
		return s.count(s.limit + 1) // deeper than anyone builds: do not count on
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return s.count(4)
		}
		return s.value(v.Elem(), depth)
	case reflect.String:
		return s.count(jsonStringSize(v.String()))
	case reflect.Bool:
		return s.count(5)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return s.count(numberSize)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return s.count(int64(v.Len())*4/3 + 4) // base64
		}
		if !s.count(2) {
			return false
		}
		for i := 0; i < v.Len(); i++ {
			if !s.entry(depth) || !s.value(v.Index(i), depth+1) {
				return false
			}
		}
		return true
	case reflect.Map:
		if !s.count(2) {
			return false
		}
		it := v.MapRange()
		for it.Next() {
			if !s.entry(depth) || !s.count(2) || !s.value(it.Key(), depth+1) || !s.value(it.Value(), depth+1) {
				return false
			}
		}
		return true
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return s.count(40)
		}
		if !s.count(2) {
			return false
		}
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if !t.Field(i).IsExported() {
				continue
			}
			if !s.entry(depth) || !s.count(int64(len(t.Field(i).Name))+3) || !s.value(v.Field(i), depth+1) {
				return false
			}
		}
		return true
	}
	return s.count(numberSize)
}

// jsonStringSize is the length of s as a JSON string: quoted, with <, > and & escaped as
// encoding/json escapes them.
func jsonStringSize(s string) int64 {
	n := int64(len(s)) + 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				n++
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 5
			}
			i++
			continue
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return n
}
