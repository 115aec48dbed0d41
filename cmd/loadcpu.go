package cmd

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// serverCPU reads the server's process_cpu_seconds_total from its /metrics.
func serverCPU(ctx context.Context, client *http.Client, base *url.URL) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.JoinPath("/metrics").String(), nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("/metrics: %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_cpu_seconds_total "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("/metrics: %w", err)
	}
	return 0, fmt.Errorf("/metrics has no process_cpu_seconds_total")
}

// userHZ is the unit of the CPU times in /proc/<pid>/stat: Linux reports them in clock ticks
// of 1/100 s to user space on every architecture it supports.
const userHZ = 100

// servesDatabase tells whether a PostgreSQL process title ("postgres: [CLUSTER:] USER DATABASE
// HOST(PORT) STATE") is a backend serving the database.
func servesDatabase(title, database string) bool {
	f := strings.Fields(strings.ReplaceAll(title, "\x00", " "))
	if len(f) == 0 || f[0] != "postgres:" {
		return false
	}
	f = f[1:]
	for len(f) > 0 && strings.HasSuffix(f[0], ":") { // the cluster's name
		f = f[1:]
	}
	return len(f) >= 2 && f[1] == database
}

// postgresCPU sums the user and system CPU seconds of the PostgreSQL backends on this machine
// that serve a database (their command line names it: "postgres: USER DATABASE HOST..."), read
// from /proc; ok is false where there is no /proc or no such backend is visible.
func postgresCPU(database string) (seconds float64, ok bool) {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return 0, false
	}
	var ticks int64
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // the process ended meanwhile
		}
		// pid (comm) state ppid ...: comm may hold spaces, so fields count from its ")"
		s := string(data)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open || s[open+1:end] != "postgres" {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join(filepath.Dir(path), "cmdline"))
		if err != nil {
			continue
		}
		if !servesDatabase(string(cmdline), database) {
			continue
		}
		f := strings.Fields(s[end+1:])
		if len(f) < 13 {
			continue
		}
		utime, err1 := strconv.ParseInt(f[11], 10, 64)
		stime, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		ticks += utime + stime
		ok = true
	}
	return float64(ticks) / userHZ, ok
}
