package packaging

import (
	"bufio"
	"context"
	"debug/elf"
	"encoding/json"
	"io"
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

// testVersion is the version the test links into the binary it builds.
const testVersion = "0.0.0-packaging-test"

// TestStaticBinary builds the binary as the Dockerfile and make release do
// (scripts/build-static.sh), requires it to be static, and starts it from an empty folder as a
// user without privileges (nobody, when the test runs as root) until /readyz answers 200.
func TestStaticBinary(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("the static binary is checked on Linux")
	}
	// folders a user without privileges may enter: t.TempDir's parents are private
	binDir := openDir(t, 0o755)
	bin := filepath.Join(binDir, "switchboard")
	build := exec.Command(filepath.Join(root, "scripts", "build-static.sh"), bin)
	build.Env = append(os.Environ(), "VERSION="+testVersion, "COMMIT=0123456789abcdef", "BUILD_DATE=2026-12-01T10:00:00Z")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "scripts/build-static.sh: %s", out)

	// static: no program interpreter, no shared libraries
	f, err := elf.Open(bin)
	require.NoError(t, err)
	for _, p := range f.Progs {
		require.NotEqual(t, elf.PT_INTERP, p.Type, "the binary asks for a dynamic loader")
	}
	libs, err := f.ImportedLibraries()
	require.NoError(t, err)
	require.Empty(t, libs, "the binary links shared libraries")
	require.NoError(t, f.Close())
	if file, err := exec.LookPath("file"); err == nil {
		out, err := exec.Command(file, bin).Output()
		require.NoError(t, err)
		require.Contains(t, string(out), "statically linked")
	}

	version, err := exec.Command(bin, "version").Output()
	require.NoError(t, err)
	require.Equal(t, "switchboard "+testVersion+"\ncommit:   0123456789abcdef\nbuilt:    2026-12-01T10:00:00Z\ngo:       "+
		runtime.Version()+"\nplatform: linux/"+runtime.GOARCH+"\n", string(version))

	// an empty folder, a clean environment, a free port, and no privileges
	data := openDir(t, 0o777)
	args := []string{bin, "serve", "--addr", "127.0.0.1:0", "--flows", ""}
	if os.Geteuid() == 0 {
		setpriv, err := exec.LookPath("setpriv")
		require.NoError(t, err, "setpriv (util-linux) runs the binary as nobody")
		args = append([]string{setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"}, args...)
	}
	serve := exec.Command(args[0], args[1:]...)
	serve.Dir = data
	serve.Env = []string{"HOME=" + data, "PATH=/usr/bin:/bin"}
	stdout, err := serve.StdoutPipe()
	require.NoError(t, err)
	var stderr lockedBuffer
	serve.Stderr = &stderr
	require.NoError(t, serve.Start())
	// exited closes when serve has exited; waitErr is then how
	exited := make(chan struct{})
	var waitErr error
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = serve.Process.Kill()
			<-exited
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	listening := regexp.MustCompile(`Switchboard is listening on (http://127\.0\.0\.1:\d+) `)
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		waitErr = serve.Wait()
		close(exited)
	}()
	var url string
	select {
	case url = <-urls:
	case <-exited:
		t.Fatalf("the static binary exited (%v) before it said where it listens\nstderr:\n%s", waitErr, stderr.String())
	case <-ctx.Done():
		t.Fatalf("the static binary did not say where it listens\nstderr:\n%s", stderr.String())
	}

	client := &http.Client{Timeout: 5 * time.Second}
	for {
		resp, err := client.Get(url + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("/readyz did not answer 200 (last: %v)\nstderr:\n%s", err, stderr.String())
		case <-time.After(50 * time.Millisecond): // a poll bounded by ctx's deadline
		}
	}
	resp, err := client.Get(url + "/healthz")
	require.NoError(t, err)
	var health map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&health))
	require.NoError(t, resp.Body.Close())
	require.Equal(t, map[string]any{"status": "ok", "version": testVersion}, health)

	info, err := os.Stat(filepath.Join(data, "switchboard.db"))
	require.NoError(t, err, "serve keeps its database in the folder it starts from")
	if os.Geteuid() == 0 {
		require.Equal(t, uint32(65534), info.Sys().(*syscall.Stat_t).Uid, "the database belongs to the user serve runs as")
	}
	require.NoError(t, serve.Process.Signal(syscall.SIGTERM))
	select {
	case <-exited:
		require.NoError(t, waitErr, "serve stops cleanly on SIGTERM\nstderr:\n%s", stderr.String())
	case <-ctx.Done():
		t.Fatalf("serve did not stop on SIGTERM\nstderr:\n%s", stderr.String())
	}
}

// openDir is a new folder with the permissions given, removed at the end of the test.
func openDir(t *testing.T, perm os.FileMode) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "switchboard-packaging-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, perm))
	return dir
}

// lockedBuffer is a buffer a process writes to while the test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
