// Command fakegraph runs channels/fakenet's fake Graph API for the browser tests, which are not
// Go tests: it prints one JSON line {"graph": url, "sent": url, "requests": url, "fail": url} and
// serves, until its standard input closes, what the fake accepted (fakenet.Sent) and was asked
// (fakenet.Request) as JSON at the first two addresses; a POST to the third with code, subcode
// and times makes the next requests answer Graph's error of that code (fakenet.FailNext).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"github.com/switchboardhq/switchboard/channels/fakenet"
)

// owner stands in for the test that owns the fake: it keeps the fake's cleanups.
type owner struct {
	testing.TB
	cleanups []func()
}

func (o *owner) Cleanup(f func()) { o.cleanups = append(o.cleanups, f) }

func main() {
	o := &owner{}
	graph := fakenet.NewFakeGraph(o)
	serveJSON := func(v func() any) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(v())
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/sent", serveJSON(func() any { return graph.Sent() }))
	mux.Handle("/requests", serveJSON(func() any { return graph.Requests() }))
	mux.HandleFunc("POST /fail", func(w http.ResponseWriter, r *http.Request) {
		number := func(name string, least int) (int, bool) {
			n, err := strconv.Atoi(r.URL.Query().Get(name))
			return n, err == nil && n >= least
		}
		code, okCode := number("code", 1)
		subcode, okSub := number("subcode", 0)
		times, okTimes := number("times", 1)
		if !okCode || !okSub || !okTimes || times > 100 {
			http.Error(w, "give code (at least 1), subcode (0 for none) and times (1 to 100)", http.StatusBadRequest)
			return
		}
		graph.FailNext(code, subcode, times)
		w.WriteHeader(http.StatusNoContent)
	})
	ledger := httptest.NewServer(mux)
	line, _ := json.Marshal(map[string]string{"graph": graph.URL + "/" + fakenet.GraphVersion, "sent": ledger.URL + "/sent",
		"requests": ledger.URL + "/requests", "fail": ledger.URL + "/fail"})
	fmt.Println(string(line))
	_, _ = io.Copy(io.Discard, os.Stdin)
	ledger.Close()
	for _, f := range o.cleanups {
		f()
	}
}
