package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/bench"
	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/engine"
)

type loadOptions struct {
	url, channel, token string
	connections         int
	duration            time.Duration
	requests            int
	wait                time.Duration
	setup               bool
	// postgresDB, when set, also measures the CPU of the PostgreSQL backends on this machine
	// that serve this database.
	postgresDB string
}

func loadtestCommand(env Env) *cobra.Command {
	var o loadOptions
	c := &cobra.Command{
		Use:   "loadtest [--url http://127.0.0.1:8080] [--channel ID] [--setup --token T] [--connections N] [--duration D | --requests N]",
		Short: "Post the routing benchmark's workload to a server on this machine and report its speed",
		Long: `Loadtest posts the 1000 messages of the routing benchmark (bench/README.md) to a web chat
channel whose default flow is examples/flows/bench-routing.yaml, each with ?wait so that the
answer carries the session's outcome; it checks every outcome against the expected one and
reports requests per second, latency percentiles and the server's CPU per request (its
process_cpu_seconds_total on /metrics, read before and after). With --postgres-db NAME it also
reports the CPU per request of the PostgreSQL backends on this machine that serve database NAME
(from /proc; backends that end during the run are not counted). Every answer comes after the interaction was committed.

It only talks to servers on this machine (127.0.0.1, ::1 or localhost), over keep-alive
connections, and stops by itself after --duration or --requests. With --setup and an admin
--token (or $SWITCHBOARD_TOKEN), it first creates the channel with bench-routing as its default
flow (the flow must be published: serve publishes examples/flows on a fresh database).

Exit status: 0 when every outcome matched, 1 when any did not or any request failed, 2 for
usage errors.`,
		Example: "  switchboard loadtest --setup --token sbt_… --duration 20s --connections 64",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return loadtest(cmd.Context(), env, o)
		},
	}
	c.Flags().StringVar(&o.url, "url", "http://127.0.0.1:8080", "the server, on this machine")
	c.Flags().StringVar(&o.channel, "channel", "bench", "the web chat channel to post to")
	c.Flags().StringVar(&o.token, "token", os.Getenv("SWITCHBOARD_TOKEN"), "an admin token, for --setup (env SWITCHBOARD_TOKEN)")
	c.Flags().BoolVar(&o.setup, "setup", false, "create the channel first, with bench-routing as its default flow")
	c.Flags().IntVar(&o.connections, "connections", 64, "keep-alive connections posting at once")
	c.Flags().DurationVar(&o.duration, "duration", 10*time.Second, "how long to post")
	c.Flags().IntVar(&o.requests, "requests", 0, "stop after this many requests instead (0: use --duration)")
	c.Flags().StringVar(&o.postgresDB, "postgres-db", "", "also report the CPU of this machine's PostgreSQL backends serving this database (read from /proc)")
	c.Flags().DurationVar(&o.wait, "wait", 2*time.Second, "how long each post waits for its outcome")
	return c
}

// loopback refuses to load anything but this machine.
func loopback(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, usageError("--url %q is not an http URL", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return u, nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return u, nil
	}
	return nil, usageError("--url %q: load tests only target this machine (127.0.0.1, ::1 or localhost)", raw)
}

func loadtest(ctx context.Context, env Env, o loadOptions) error {
	base, err := loopback(o.url)
	if err != nil {
		return err
	}
	if o.connections < 1 || o.connections > 4096 {
		return usageError("--connections %d: give 1 to 4096", o.connections)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: o.connections, MaxIdleConnsPerHost: o.connections,
		MaxConnsPerHost: o.connections, IdleConnTimeout: time.Minute}, Timeout: o.wait + 10*time.Second}
	if o.setup {
		if err := setupBench(ctx, client, base, o); err != nil {
			return err
		}
	}
	msgs, expected := bench.Corpus(), bench.Expected()
	bodies := make([][]byte, len(msgs))
	for i, m := range msgs {
		bodies[i] = messageBody(m)
	}
	target := base.JoinPath("/webhooks/webchat", o.channel).String() + "?wait=" + o.wait.String()

	cpuBefore, cpuErr := serverCPU(ctx, client, base)
	pgBefore, pgOK := 0.0, false
	if o.postgresDB != "" {
		pgBefore, pgOK = postgresCPU(o.postgresDB)
	}
	run := fmt.Sprintf("%d", time.Now().UnixNano()) // ids unique to this run, so nothing is deduplicated
	var next, done, failed, wrong atomic.Int64
	latencies := make([][]time.Duration, o.connections)
	var firstProblem atomic.Value
	deadline := time.Now().Add(o.duration)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range o.connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if (o.requests > 0 && n >= int64(o.requests)) || (o.requests == 0 && time.Now().After(deadline)) {
					return
				}
				k := int(n % int64(len(msgs)))
				body := bytes.Replace(bodies[k], []byte(`"id":"m"`), []byte(fmt.Sprintf(`"id":"%s-%d"`, run, n)), 1)
				t0 := time.Now()
				got, err := postMessage(ctx, client, target, body)
				latencies[w] = append(latencies[w], time.Since(t0))
				done.Add(1)
				switch {
				case err != nil:
					failed.Add(1)
					firstProblem.CompareAndSwap(nil, fmt.Sprintf("message %d: %v", k+1, err))
				case got != expected[k]:
					wrong.Add(1)
					firstProblem.CompareAndSwap(nil, fmt.Sprintf("message %d: want %+v, got %+v", k+1, expected[k], got))
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpuAfter, err := serverCPU(ctx, client, base)
	if cpuErr == nil {
		cpuErr = err
	}
	pgAfter, pgAfterOK := 0.0, false
	if pgOK {
		pgAfter, pgAfterOK = postgresCPU(o.postgresDB)
	}
	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(p*float64(len(all))))]
	}
	fmt.Fprintf(env.Stdout, "requests  %d in %s over %d connections\n", done.Load(), elapsed.Round(time.Millisecond), o.connections)
	fmt.Fprintf(env.Stdout, "rate      %.0f requests/s\n", float64(done.Load())/elapsed.Seconds())
	fmt.Fprintf(env.Stdout, "latency   p50 %s  p90 %s  p99 %s  max %s\n", pct(0.50).Round(10*time.Microsecond),
		pct(0.90).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond))
	if n := done.Load(); n > 0 {
		if cpuErr != nil {
			fmt.Fprintf(env.Stdout, "cpu       server's CPU unknown: %v\n", cpuErr)
		} else {
			fmt.Fprintf(env.Stdout, "cpu       %.0f µs of server CPU per request (%.1f s in all)\n",
				(cpuAfter-cpuBefore)*1e6/float64(n), cpuAfter-cpuBefore)
		}
		if pgAfterOK {
			fmt.Fprintf(env.Stdout, "cpu       %.0f µs of CPU per request in the PostgreSQL backends serving %s (%.1f s in all)\n",
				(pgAfter-pgBefore)*1e6/float64(n), o.postgresDB, pgAfter-pgBefore)
		}
	}
	fmt.Fprintf(env.Stdout, "outcomes  %d matched, %d wrong, %d failed\n", done.Load()-wrong.Load()-failed.Load(), wrong.Load(), failed.Load())
	if p := firstProblem.Load(); p != nil {
		fmt.Fprintf(env.Stdout, "first problem: %s\n", p)
		return problems
	}
	return nil
}

// messageBody is a corpus message as the interaction a web chat posts; its id is filled per post.
func messageBody(m bench.Message) []byte {
	in := m.Interaction("m")
	in.Channel = ""
	b, _ := json.Marshal(struct {
		ID     string        `json:"id"`
		Kind   string        `json:"kind"`
		Text   string        `json:"text"`
		Author engine.Author `json:"author"`
		Time   *time.Time    `json:"time,omitempty"`
		Public bool          `json:"public"`
	}{ID: "m", Kind: in.Kind, Text: in.Text, Author: in.Author, Time: timeOrNil(in.Time)})
	return b
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// postMessage posts one message and reads the outcome from the answer.
func postMessage(ctx context.Context, client *http.Client, target string, body []byte) (bench.Outcome, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return bench.Outcome{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return bench.Outcome{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return bench.Outcome{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return bench.Outcome{}, fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(data))
	}
	var answer struct {
		Outcome *dispatch.Outcome `json:"outcome"`
	}
	if err := json.Unmarshal(data, &answer); err != nil {
		return bench.Outcome{}, err
	}
	if answer.Outcome == nil {
		return bench.Outcome{}, errors.New("no outcome within the wait")
	}
	var vars map[string]any
	if answer.Outcome.Vars != nil {
		vars = answer.Outcome.Vars.Map()
	}
	return bench.OutcomeOf(answer.Outcome.Path, vars, answer.Outcome.Actions), nil
}

// setupBench creates the channel the load test posts to.
func setupBench(ctx context.Context, client *http.Client, base *url.URL, o loadOptions) error {
	if o.token == "" {
		return usageError("--setup needs an admin --token (or $SWITCHBOARD_TOKEN)")
	}
	body, _ := json.Marshal(map[string]any{"id": o.channel, "type": "webchat", "name": "Load test", "default_flow": "bench-routing"})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base.JoinPath("/api/v1/channels").String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+o.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return usageError("set up the channel: %v", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusConflict {
		return usageError("set up the channel: %s: %s", resp.Status, bytes.TrimSpace(data))
	}
	return nil
}
