package channels

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrorClass tells a caller what to do about a failed send.
type ErrorClass string

// The classes of send failures.
const (
	// ClassRetry is a temporary failure (Meta 1, 2, 1200; 5xx; a request that could not be
	// written, such as a refused connection): retry with backoff.
	ClassRetry ErrorClass = "retry"
	// ClassThrottle is a rate limit (Meta 4, 17, 32, 341, 613, 800xx, 368; X 429): wait RetryAfter.
	ClassThrottle ErrorClass = "throttle"
	// ClassFatal will fail again (Meta 100, 551, 10, 200–299; X 400, 403; what no network can do): never retry.
	ClassFatal ErrorClass = "fatal"
	// ClassWindow is a message outside the messaging window (Meta 10/2018278, or refused before calling).
	ClassWindow ErrorClass = "window"
	// ClassReauth is a token the network no longer takes (Meta 190; X 401): mark the channel as
	// needing re-authorisation and stop sending on it.
	ClassReauth ErrorClass = "reauth"
	// ClassDuplicate is a send the network already has (Meta 506): count the action as sent.
	ClassDuplicate ErrorClass = "duplicate"
	// ClassUnknown is a request that was written to the network and got no answer (a timeout,
	// a connection reset): the network may or may not have it. Read it back (Client.ReadBack)
	// before sending it again; it says nothing of the network's rate limits.
	ClassUnknown ErrorClass = "unknown"
)

// SendError is a classified send failure; Send returns one for every failure.
type SendError struct {
	Class ErrorClass
	// Code and Subcode are Meta's error code and error_subcode; 0 elsewhere.
	Code, Subcode int
	// Status is the HTTP status the network answered; 0 when it did not answer.
	Status int
	// RetryAfter is how long to wait before trying again, when the network said or the class implies.
	RetryAfter time.Duration
	// Message says what went wrong, in the network's words when it gave some.
	Message string
	// Err is the underlying error of a request that got no answer (a timeout, a refused connection).
	Err error
}

// Error says the class, the message, and the codes and status that led to the class.
func (e *SendError) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Class))
	b.WriteString(": ")
	b.WriteString(e.Message)
	var details []string
	if e.Code != 0 {
		details = append(details, "code "+strconv.Itoa(e.Code))
	}
	if e.Subcode != 0 {
		details = append(details, "subcode "+strconv.Itoa(e.Subcode))
	}
	if e.Status != 0 {
		details = append(details, "HTTP "+strconv.Itoa(e.Status))
	}
	if e.RetryAfter > 0 {
		details = append(details, "retry after "+e.RetryAfter.String())
	}
	if len(details) > 0 {
		b.WriteString(" (" + strings.Join(details, ", ") + ")")
	}
	return b.String()
}

// Unwrap returns the underlying network error, so errors.Is(err, context.Canceled) works.
func (e *SendError) Unwrap() error { return e.Err }

// ClassOf is the class of a send error; "" when err is nil or not a *SendError.
func ClassOf(err error) ErrorClass {
	var se *SendError
	if errors.As(err, &se) {
		return se.Class
	}
	return ""
}

// refuse is a failure found before calling the network.
func refuse(class ErrorClass, format string, args ...any) *SendError {
	return &SendError{Class: class, Message: fmt.Sprintf(format, args...)}
}

// Default waits when the network does not say how long.
const (
	throttleWait    = 5 * time.Minute
	policyBlockWait = time.Hour
	xWindowWait     = 15 * time.Minute
)

// graphEnvelope is the Graph API's error answer.
type graphEnvelope struct {
	Error *struct {
		Message      string      `json:"message"`
		Type         string      `json:"type"`
		Code         json.Number `json:"code"`
		Subcode      json.Number `json:"error_subcode"`
		IsTransient  bool        `json:"is_transient"`
		ErrorUserMsg string      `json:"error_user_msg"`
		FBTraceID    string      `json:"fbtrace_id"`
	} `json:"error"`
}

// classifyGraph classifies a Graph API error answer by its code and subcode (protocol §1).
func classifyGraph(r *response, now time.Time) *SendError {
	e := &SendError{Status: r.status, Message: "HTTP " + strconv.Itoa(r.status) + " " + http.StatusText(r.status)}
	var env graphEnvelope
	transient := false
	if json.Unmarshal(r.body, &env) == nil && env.Error != nil {
		e.Code, _ = strconv.Atoi(env.Error.Code.String())
		e.Subcode, _ = strconv.Atoi(env.Error.Subcode.String())
		transient = env.Error.IsTransient
		if env.Error.Message != "" {
			e.Message = env.Error.Message
		}
		if env.Error.FBTraceID != "" {
			e.Message += " [fbtrace_id " + env.Error.FBTraceID + "]"
		}
	}
	code := e.Code
	switch {
	case code == 1 || code == 2 || code == 1200:
		e.Class = ClassRetry
	case code == 4 || code == 17 || code == 32 || code == 341 || code == 613 || (code >= 80000 && code <= 80014):
		e.Class, e.RetryAfter = ClassThrottle, metaWait(r.header, now, throttleWait)
	case code == 368:
		e.Class, e.RetryAfter = ClassThrottle, metaWait(r.header, now, policyBlockWait)
	case code == 10 && e.Subcode == 2018278:
		e.Class = ClassWindow
	case code == 190 || code == 102:
		e.Class = ClassReauth
	case code == 506:
		e.Class = ClassDuplicate
	case code == 10 || code == 100 || code == 551 || (code >= 200 && code <= 299):
		e.Class = ClassFatal
	case transient:
		e.Class = ClassRetry
	default:
		e.Class, e.RetryAfter = classOfStatus(r, now, throttleWait)
	}
	return e
}

// metaWait is how long Meta asks us to wait: Retry-After, else the business use case's
// estimated time to regain access, else the default.
func metaWait(h http.Header, now time.Time, fallback time.Duration) time.Duration {
	if d := retryAfter(h, now); d > 0 {
		return d
	}
	var minutes int
	var buc map[string][]struct {
		Regain json.Number `json:"estimated_time_to_regain_access"`
	}
	if json.Unmarshal([]byte(h.Get("X-Business-Use-Case-Usage")), &buc) == nil {
		for _, uses := range buc {
			for _, u := range uses {
				if m, err := strconv.Atoi(u.Regain.String()); err == nil && m > minutes {
					minutes = m
				}
			}
		}
	}
	if minutes > 0 {
		return time.Duration(minutes) * time.Minute
	}
	return fallback
}

// metaUsage is the highest usage percentage in Meta's X-App-Usage, X-Page-Usage and
// X-Business-Use-Case-Usage headers: throttle before it reaches 100.
func metaUsage(h http.Header) int {
	type usage struct {
		CallCount    json.Number `json:"call_count"`
		TotalTime    json.Number `json:"total_time"`
		TotalCPUTime json.Number `json:"total_cputime"`
	}
	highest := 0
	note := func(u usage) {
		for _, n := range []json.Number{u.CallCount, u.TotalTime, u.TotalCPUTime} {
			if v, err := n.Float64(); err == nil && int(v) > highest {
				highest = int(v)
			}
		}
	}
	for _, name := range []string{"X-App-Usage", "X-Page-Usage"} {
		var u usage
		if json.Unmarshal([]byte(h.Get(name)), &u) == nil {
			note(u)
		}
	}
	var buc map[string][]usage
	if json.Unmarshal([]byte(h.Get("X-Business-Use-Case-Usage")), &buc) == nil {
		for _, uses := range buc {
			for _, u := range uses {
				note(u)
			}
		}
	}
	return highest
}

// classifyX classifies an X API v2 error answer by its status (protocol §4).
func classifyX(r *response, now time.Time) *SendError {
	e := &SendError{Status: r.status, Message: xProblem(r)}
	switch {
	case r.status == http.StatusTooManyRequests:
		e.Class, e.RetryAfter = ClassThrottle, xWindowWait
		if reset, err := strconv.ParseInt(r.header.Get("x-rate-limit-reset"), 10, 64); err == nil {
			e.RetryAfter = max(time.Unix(reset, 0).Sub(now), time.Second)
		} else if d := retryAfter(r.header, now); d > 0 {
			e.RetryAfter = d
		}
	case r.status == http.StatusUnauthorized:
		e.Class = ClassReauth
	case r.status >= 500:
		e.Class, e.RetryAfter = ClassRetry, retryAfter(r.header, now)
	default:
		e.Class = ClassFatal
	}
	return e
}

// xProblem is what X said went wrong: a v2 problem's detail, or its errors' messages.
func xProblem(r *response) string {
	var p struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
		Errors []struct {
			Message string `json:"message"`
			Detail  string `json:"detail"`
		} `json:"errors"`
	}
	var parts []string
	if json.Unmarshal(r.body, &p) == nil {
		if p.Detail != "" {
			parts = append(parts, p.Detail)
		} else if p.Title != "" {
			parts = append(parts, p.Title)
		}
		for _, e := range p.Errors {
			if m := cmp.Or(e.Message, e.Detail); m != "" && m != p.Detail {
				parts = append(parts, m)
			}
		}
	}
	if len(parts) == 0 {
		return "HTTP " + strconv.Itoa(r.status) + " " + http.StatusText(r.status)
	}
	return strings.Join(parts, "; ")
}

// classifyHTTP classifies a plain HTTP error answer (web chat callbacks).
func classifyHTTP(r *response, now time.Time) *SendError {
	e := &SendError{Status: r.status, Message: "HTTP " + strconv.Itoa(r.status) + " " + http.StatusText(r.status)}
	if s := strings.TrimSpace(string(r.body)); s != "" && len(s) <= 200 {
		e.Message += ": " + s
	}
	e.Class, e.RetryAfter = classOfStatus(r, now, throttleWait)
	return e
}

// classOfStatus classifies by the HTTP status alone.
func classOfStatus(r *response, now time.Time, throttle time.Duration) (ErrorClass, time.Duration) {
	switch {
	case r.status == http.StatusTooManyRequests:
		if d := retryAfter(r.header, now); d > 0 {
			return ClassThrottle, d
		}
		return ClassThrottle, throttle
	case r.status == http.StatusUnauthorized:
		return ClassReauth, 0
	case r.status >= 500 || r.status == http.StatusRequestTimeout:
		return ClassRetry, retryAfter(r.header, now)
	}
	return ClassFatal, 0
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
