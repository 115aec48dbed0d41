package fakenet

// The User Profile APIs: GET /{PSID}?fields=... with a page token (Messenger) and
// GET /{IGSID}?fields=... with an Instagram token, answered with the fields asked for, in
// Graph's format, or with Graph's error answers. Look-ups have switches of their own: FailNext
// and the send switches never touch them, so a test's queued send failures are not eaten by
// the look-up that comes before the send.

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// GraphProfile is a customer's profile as the fake tells it. Messenger answers FirstName,
// LastName and Name; Instagram answers Name and Username.
type GraphProfile struct {
	FirstName, LastName, Name, Username, Picture string
}

// profiles are the fake's customer profiles and the switches of their look-ups.
type profiles struct {
	mu      sync.Mutex
	byID    map[string]GraphProfile
	failure *GraphError
	delay   time.Duration
	asked   int
}

// SetProfile gives a customer (a PSID or an IGSID) a profile. A customer without one gets
// Graph's answer for an id it cannot read: code 100, subcode 33 (Messenger) or code 230, user
// consent required (Instagram).
func (f *FakeGraph) SetProfile(id string, p GraphProfile) {
	f.profiles.mu.Lock()
	defer f.profiles.mu.Unlock()
	if f.profiles.byID == nil {
		f.profiles.byID = map[string]GraphProfile{}
	}
	f.profiles.byID[id] = p
}

// FailProfiles makes every profile look-up answer Graph's error envelope with a code and
// subcode, until FailProfiles(0, 0): 100/2018218 (no profile for this user), 230 (Instagram:
// user consent required), 190 (a bad token), 4 or 613 (rate limits), 2 (temporary).
func (f *FakeGraph) FailProfiles(code, subcode int) {
	f.profiles.mu.Lock()
	defer f.profiles.mu.Unlock()
	if code == 0 {
		f.profiles.failure = nil
		return
	}
	status, typ, msg := graphFailure(code, subcode)
	f.profiles.failure = &GraphError{Status: status, Code: code, Subcode: subcode, Type: typ, Message: msg}
}

// DelayProfiles makes profile look-ups answer only after d (or when their caller gives up), as
// a slow Graph does; 0 answers at once.
func (f *FakeGraph) DelayProfiles(d time.Duration) {
	f.profiles.mu.Lock()
	defer f.profiles.mu.Unlock()
	f.profiles.delay = d
}

// ProfileLookups is how many profile look-ups the fake received.
func (f *FakeGraph) ProfileLookups() int {
	f.profiles.mu.Lock()
	defer f.profiles.mu.Unlock()
	return f.profiles.asked
}

func (p *profiles) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.byID, p.failure, p.delay, p.asked = nil, nil, 0, 0
}

// isProfileRead tells a profile look-up: a GET of one object, with fields.
func isProfileRead(r *http.Request, parts []string) bool {
	return r.Method == http.MethodGet && len(parts) == 1 && parts[0] != "" && r.URL.Query().Get("fields") != ""
}

// serveProfile answers a profile look-up.
func (f *FakeGraph) serveProfile(w http.ResponseWriter, r *http.Request, id string) {
	rec := f.rec.keep(r)
	f.profiles.mu.Lock()
	f.profiles.asked++
	p, known := f.profiles.byID[id]
	failure, delay := f.profiles.failure, f.profiles.delay
	f.profiles.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if status, e := f.checkToken(rec); e != nil {
		f.rec.write(w, status, nil, e)
		return
	}
	if failure != nil {
		f.rec.write(w, failure.Status, failure.Header, graphErrorBody(*failure))
		return
	}
	instagram := rec.Query.Get("access_token") == IGAccessToken
	if !known {
		if instagram {
			f.rec.write(w, 400, nil, graphError(230, "OAuthException", "User consent is required to access user profile"))
			return
		}
		f.rec.write(w, 400, nil, mustJSON(map[string]any{"error": map[string]any{
			"message": "Unsupported get request. Object with ID '" + id + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
			"type":    "GraphMethodException", "code": 100, "error_subcode": 33, "fbtrace_id": "AbCdEfGhIjK"}}))
		return
	}
	available := map[string]any{"id": id, "name": p.Name, "profile_pic": nullable(p.Picture)}
	if instagram {
		available["username"] = p.Username
		available["name"] = nullable(p.Name) // Instagram: null when the customer set no name
	} else {
		available["first_name"], available["last_name"] = p.FirstName, p.LastName
		if p.Name == "" {
			available["name"] = strings.TrimSpace(p.FirstName + " " + p.LastName)
		}
	}
	out := map[string]any{"id": id}
	for _, field := range strings.Split(rec.Query.Get("fields"), ",") {
		field = strings.TrimSpace(field)
		v, ok := available[field]
		if !ok {
			f.rec.write(w, 400, nil, graphError(100, "OAuthException", "(#100) Tried accessing nonexisting field ("+field+") on node type (User)"))
			return
		}
		out[field] = v
	}
	f.rec.write(w, 200, nil, mustJSON(out))
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// graphErrorBody is Graph's error envelope for an error.
func graphErrorBody(e GraphError) []byte {
	inner := map[string]any{"message": e.Message, "type": e.Type, "code": e.Code, "fbtrace_id": "AbCdEfGhIjK"}
	if e.Subcode != 0 {
		inner["error_subcode"] = e.Subcode
	}
	if e.IsTransient {
		inner["is_transient"] = true
	}
	return mustJSON(map[string]any{"error": inner})
}
