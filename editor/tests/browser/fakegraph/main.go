// Command fakegraph runs channels/fakenet's fake Graph API for the browser tests, which are not
// Go tests: it prints one JSON line {"graph": url, "sent": url, "requests": url} and serves, until
// its standard input closes, what the fake accepted (fakenet.Sent) and was asked
// (fakenet.Request) as JSON at those two addresses.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
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
	ledger := httptest.NewServer(mux)
	line, _ := json.Marshal(map[string]string{"graph": graph.URL + "/" + fakenet.GraphVersion, "sent": ledger.URL + "/sent", "requests": ledger.URL + "/requests"})
	fmt.Println(string(line))
	_, _ = io.Copy(io.Discard, os.Stdin)
	ledger.Close()
	for _, f := range o.cleanups {
		f()
	}
}
