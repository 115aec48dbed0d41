package fakenet

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Request is one request a fake server received.
type Request struct {
	Method string
	// Path is the path as received, with any Graph version prefix (/v21.0).
	Path   string
	Query  url.Values
	Header http.Header
	// Body is the JSON (or form) body as an object; nil when there was none.
	Body map[string]any
	// Raw is the body's bytes.
	Raw []byte
}

// Failure is an answer a fake gives instead of success.
type Failure struct {
	Status int
	Header http.Header
	Body   []byte
}

// recorder keeps what a fake received and the failures it was told to give.
type recorder struct {
	mu       sync.Mutex
	requests []Request
	failures []Failure
	header   http.Header
}

// record reads and keeps a request, and says whether a failure is due instead of success.
func (r *recorder) record(req *http.Request) (Request, *Failure) {
	raw, _ := io.ReadAll(req.Body)
	rec := Request{Method: req.Method, Path: req.URL.Path, Query: req.URL.Query(), Header: req.Header.Clone(), Raw: raw}
	rec.Body = decodeBody(req.Header.Get("Content-Type"), raw)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, rec)
	if len(r.failures) == 0 {
		return rec, nil
	}
	f := r.failures[0]
	r.failures = r.failures[1:]
	return rec, &f
}

// keep reads and keeps a request that no queued failure applies to.
func (r *recorder) keep(req *http.Request) Request {
	raw, _ := io.ReadAll(req.Body)
	rec := Request{Method: req.Method, Path: req.URL.Path, Query: req.URL.Query(), Header: req.Header.Clone(), Raw: raw}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, rec)
	return rec
}

func decodeBody(contentType string, raw []byte) map[string]any {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil
		}
		m := map[string]any{}
		for k, v := range form {
			m[k] = v[0]
		}
		return m
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

func (r *recorder) fail(f Failure, times int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range times {
		r.failures = append(r.failures, f)
	}
}

func (r *recorder) snapshot() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Request, len(r.requests))
	copy(out, r.requests)
	return out
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests, r.failures = nil, nil
}

func (r *recorder) setHeader(name, value string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set(name, value)
}

// write answers with the standing headers, the extra ones, a status and a JSON body.
func (r *recorder) write(w http.ResponseWriter, status int, extra http.Header, body []byte) {
	r.mu.Lock()
	for k, v := range r.header {
		w.Header()[k] = v
	}
	r.mu.Unlock()
	for k, v := range extra {
		w.Header()[k] = v
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only the fakes' own literals are encoded
	}
	return b
}

// str reads a text field of a JSON object.
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// obj reads an object field of a JSON object.
func obj(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}
