package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The switchboard binary, built once for the tests that run it, and removed by TestMain.
var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// skipShort skips a test that runs the switchboard binary when -short is set.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping a test that builds and runs the switchboard binary")
	}
}

// switchboardBinary builds ./cmd/switchboard once, or takes the binary SWITCHBOARD_BIN names
// (make test hands over the one make build made: building another with go build's default
// flags would compile every package again); with -short the test is skipped instead.
func switchboardBinary(t *testing.T) string {
	t.Helper()
	skipShort(t)
	buildOnce.Do(func() {
		if bin := os.Getenv("SWITCHBOARD_BIN"); bin != "" {
			binPath = bin
			if _, err := os.Stat(bin); err != nil {
				buildErr = fmt.Errorf("SWITCHBOARD_BIN=%s: %w; run make build, or unset it to build one here", bin, err)
			}
			return
		}
		binDir, buildErr = os.MkdirTemp("", "switchboard-e2e-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "switchboard")
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		cmd := exec.Command(goTool, "build", "-o", binPath, "./cmd/switchboard")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/switchboard: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// output is a writer a running process writes to while the test reads it.
type output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newOutput() *output { return &output{changed: make(chan struct{}, 1)} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	n, err := o.buf.Write(p)
	o.mu.Unlock()
	select {
	case o.changed <- struct{}{}:
	default:
	}
	return n, err
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// serveProcess is `switchboard serve` running as a process of its own.
type serveProcess struct {
	cmd            *exec.Cmd
	stdout, stderr *output
	url            string
	exited         chan struct{}
	err            error
}

var listening = regexp.MustCompile(`Switchboard is listening on (http://127\.0\.0\.1:\d+) `)

// startServe runs serve on a free loopback port with a database and a flows directory, and
// more flags when given, and waits until it listens. The process is killed when the test ends,
// if it still runs.
func startServe(t *testing.T, bin, db, flows string, flags ...string) *serveProcess {
	t.Helper()
	flows, err := filepath.Abs(flows)
	require.NoError(t, err)
	p := &serveProcess{stdout: newOutput(), stderr: newOutput(), exited: make(chan struct{})}
	args := []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--flows", flows, "--shutdown-timeout", "10s"}
	if strings.HasPrefix(db, "postgres") {
		// the suites share one PostgreSQL of 100 connections with the other packages' tests
		args = append(args, "--db-max-conns", "8")
	}
	args = append(args, flags...)
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = serveEnv()
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	require.NoError(t, p.cmd.Start())
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("serve (pid %d) wrote:\n%s\n%s", p.cmd.Process.Pid, p.stdout, tail(p.stderr.String(), 60))
		}
	})
	deadline := time.After(30 * time.Second)
	for {
		if m := listening.FindStringSubmatch(p.stdout.String()); m != nil {
			p.url = m[1]
			return p
		}
		select {
		case <-p.stdout.changed:
		case <-p.exited:
			t.Fatalf("serve exited (%v) before listening\nstdout:\n%s\nstderr:\n%s", p.err, p.stdout, p.stderr)
		case <-deadline:
			t.Fatalf("serve did not listen within 30s\nstdout:\n%s\nstderr:\n%s", p.stdout, p.stderr)
		}
	}
}

// serveEnv is the test's environment without Switchboard's own variables: the flags say all.
func serveEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SWITCHBOARD_") {
			env = append(env, kv)
		}
	}
	return env
}

func tail(s string, lines int) string {
	parts := strings.Split(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// kill ends the process at once, as a crash or `kill -9` would, and waits for it.
func (p *serveProcess) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop asks the process to stop gracefully and requires that it exits cleanly.
func (p *serveProcess) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.exited:
		require.NoError(t, p.err, "serve stops cleanly on SIGTERM")
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30s of SIGTERM")
	}
}

var adminToken = regexp.MustCompile(`An admin API token was created\. It is shown only this once; keep it:\n\n    (sbt_[a-z0-9]+)\n`)

// adminToken is the token serve printed on its first start.
func (p *serveProcess) adminToken(t *testing.T) string {
	t.Helper()
	m := adminToken.FindStringSubmatch(p.stdout.String())
	require.NotNil(t, m, "serve prints an admin token on a fresh database:\n%s", p.stdout)
	return m[1]
}

// createChannel creates a channel through the API.
func (p *serveProcess) createChannel(t *testing.T, admin string, channel map[string]any) {
	t.Helper()
	client := &http.Client{Timeout: time.Minute}
	r := request(t, client, "POST", p.url+"/api/v1/channels", mustJSON(t, channel),
		"Authorization", "Bearer "+admin, "Content-Type", "application/json")
	require.Equal(t, 201, r.status, "%s", r.body)
}
