// Package docs_test runs the shell examples of README.md and docs/*.md against a fresh server,
// so that the documentation's commands keep working (see contributing.md, "Docs that run").
package docs_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Markers of a shell block, on the line before its fence.
const (
	runnableMarker    = "<!-- runnable -->"
	notRunnableMarker = "<!-- not runnable: "
)

// block is one shell block of the docs.
type block struct {
	file     string // relative to the repository's root
	line     int    // of the opening fence
	text     string
	runnable bool
}

func (b block) where() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

var (
	fenceOpen  = regexp.MustCompile("^(\\s*)(```+)\\s*([A-Za-z]*)")
	shellTypes = []string{"sh", "bash", "shell", "console"}
)

// shellBlocks reads the fenced shell blocks of a Markdown file, each with its marker; a shell
// block without a marker is an error naming its line.
func shellBlocks(root, file string) ([]block, error) {
	src, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(src), "\n")
	var out []block
	var problems []string
	for i := 0; i < len(lines); i++ {
		m := fenceOpen.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		// the block ends at a fence of at least as many backticks, and nothing else
		indent, fence, lang := m[1], m[2], m[3]
		closes := func(line string) bool {
			t := strings.TrimSpace(line)
			return strings.HasPrefix(t, fence) && strings.Trim(t, "`") == ""
		}
		start := i
		var body []string
		for i++; i < len(lines) && !closes(lines[i]); i++ {
			body = append(body, strings.TrimPrefix(lines[i], indent))
		}
		if i == len(lines) {
			problems = append(problems, fmt.Sprintf("%s:%d: this block has no closing fence", file, start+1))
			break
		}
		if !slices.Contains(shellTypes, lang) {
			continue
		}
		marker := ""
		for j := start - 1; j >= 0; j-- {
			if t := strings.TrimSpace(lines[j]); t != "" {
				marker = t
				break
			}
		}
		b := block{file: file, line: start + 1, text: strings.Join(body, "\n")}
		switch {
		case marker == runnableMarker:
			b.runnable = true
		case strings.HasPrefix(marker, notRunnableMarker):
		default:
			problems = append(problems, fmt.Sprintf("%s: mark this shell block with %s or %sWHY -->", b.where(), runnableMarker, notRunnableMarker))
		}
		out = append(out, b)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return out, nil
}

// docFiles are the Markdown files whose blocks run, in the order they run.
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	files := []string{"README.md"}
	more, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(more)
	for _, f := range more {
		files = append(files, filepath.Join("docs", filepath.Base(f)))
	}
	return files
}

// need skips the test without the program name, except in CI, where it fails.
func need(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the docs test needs %s", name)
		}
		t.Skipf("the docs test needs %s", name)
	}
}

func TestDocsMarkEveryShellBlock(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	runnable := 0
	for _, f := range docFiles(t, root) {
		blocks, err := shellBlocks(root, f)
		if err != nil {
			t.Error(err)
		}
		for _, b := range blocks {
			if b.runnable {
				runnable++
			}
		}
	}
	if runnable < 5 {
		t.Errorf("only %d runnable blocks: the docs' examples should run", runnable)
	}
}

func TestShellBlocksNeedAMarker(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	doc := "# T\n\n<!-- runnable -->\n```sh\necho one\n```\n\n```yaml\na: 1\n```\n\n" +
		"<!-- not runnable: it needs a real page -->\n```sh\ncurl https://graph.facebook.com\n```\n\n```sh\necho unmarked\n```\n"
	if err := os.WriteFile(filepath.Join(dir, "t.md"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := shellBlocks(dir, "t.md")
	if err == nil || !strings.Contains(err.Error(), "t.md:17: mark this shell block") {
		t.Fatalf("want the unmarked block at t.md:17 named, got %v", err)
	}
	doc = strings.Replace(doc, "```sh\necho unmarked", "  ```bash\n  echo indented", 1)
	if err := os.WriteFile(filepath.Join(dir, "t.md"), []byte("<!-- runnable -->\n"+doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := shellBlocks(dir, "t.md"); err == nil {
		t.Fatal("the last block has no marker of its own")
	}
}

// TestDocsRun runs every runnable shell block of README.md and docs/*.md, in order, in one
// shell, against a fresh server on a free port, with the placeholders the docs define:
// $SWITCHBOARD_URL, $ADMIN_TOKEN, and switchboard on the PATH. It fails naming the file and
// line of the block that failed, with its output.
func TestDocsRun(t *testing.T) {
	need(t, "bash")
	need(t, "curl")
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var runnable []block
	for _, f := range docFiles(t, root) {
		blocks, err := shellBlocks(root, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range blocks {
			if b.runnable {
				runnable = append(runnable, b)
			}
		}
	}

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	if made := os.Getenv("SWITCHBOARD_BIN"); made != "" {
		// make test hands over the binary make build made: building another with go build's
		// default flags would compile every package again
		if _, err := os.Stat(made); err != nil {
			t.Fatalf("SWITCHBOARD_BIN=%s: %v; run make build, or unset it to build one here", made, err)
		}
		abs, err := filepath.Abs(made)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(abs, filepath.Join(bin, "switchboard")); err != nil {
			t.Fatal(err)
		}
	} else {
		build := exec.Command("go", "build", "-o", filepath.Join(bin, "switchboard"), "./cmd/switchboard")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build ./cmd/switchboard: %v\n%s", err, out)
		}
	}
	// the reader's folder: a copy of the examples, where serve keeps ./switchboard.db
	work := filepath.Join(tmp, "work")
	if err := os.CopyFS(filepath.Join(work, "examples"), os.DirFS(filepath.Join(root, "examples"))); err != nil {
		t.Fatal(err)
	}
	// curl fails on an HTTP error, printing the body, and prints no progress
	curlHome := filepath.Join(tmp, "curl")
	if err := os.MkdirAll(curlHome, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(curlHome, ".curlrc"), []byte("fail-with-body\nsilent\nshow-error\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + tmp, "CURL_HOME=" + curlHome,
		"LANG=C.UTF-8", "TMPDIR=" + tmp}
	if gocache := os.Getenv("GOCACHE"); gocache != "" {
		env = append(env, "GOCACHE="+gocache)
	}

	url, token := startServer(t, bin, work, env)
	env = append(env, "SWITCHBOARD_URL="+url, "ADMIN_TOKEN="+token)

	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	for i, b := range runnable {
		fmt.Fprintf(&script, "cd %q\nprintf '\\n@@block %d\\n'\n%s\n", work, i, b.text)
	}
	script.WriteString("printf '\\n@@done\\n'\n")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sh := exec.CommandContext(ctx, "bash", "-c", script.String())
	sh.Dir, sh.Env = work, env
	out, err := sh.CombinedOutput()
	if err == nil && bytes.HasSuffix(out, []byte("@@done\n")) {
		t.Logf("ran %d blocks of the docs", len(runnable))
		return
	}
	failed, output := lastBlock(out)
	if failed < 0 || failed >= len(runnable) {
		t.Fatalf("the docs' blocks failed before the first one ran: %v\n%s", err, out)
	}
	b := runnable[failed]
	t.Fatalf("%s: this block failed (%v):\n\n%s\n\nits output:\n%s", b.where(), err, indent(b.text), indent(output))
}

// lastBlock finds the last block that started in the output, and what it printed.
func lastBlock(out []byte) (int, string) {
	i := bytes.LastIndex(out, []byte("@@block "))
	if i < 0 {
		return -1, string(out)
	}
	rest := out[i+len("@@block "):]
	n, after, _ := bytes.Cut(rest, []byte("\n"))
	var k int
	if _, err := fmt.Sscanf(string(n), "%d", &k); err != nil {
		return -1, string(out)
	}
	return k, string(after)
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

var (
	tokenLine  = regexp.MustCompile(`^    (sbt_[a-z0-9]+)$`)
	listenLine = regexp.MustCompile(`^Switchboard is listening on (http://127\.0\.0\.1:\d+) `)
)

// startServer starts switchboard serve in work on a free port, and returns its URL and the
// admin token it printed; the server stops when the test ends.
func startServer(t *testing.T, bin, work string, env []string) (url, token string) {
	t.Helper()
	serve := exec.Command(filepath.Join(bin, "switchboard"), "serve", "--addr", "127.0.0.1:0")
	serve.Dir, serve.Env = work, env
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	serve.Stderr = &stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	found := make(chan [2]string, 1)
	go func() {
		var tok string
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := tokenLine.FindStringSubmatch(sc.Text()); m != nil {
				tok = m[1]
			}
			if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- [2]string{m[1], tok}
			}
		}
		exited <- serve.Wait()
	}()
	t.Cleanup(func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = serve.Process.Kill()
			t.Errorf("serve did not stop in 30s after SIGTERM")
		}
	})
	select {
	case f := <-found:
		if f[1] == "" {
			t.Fatalf("serve printed no admin token on a fresh database\nstderr:\n%s", stderr.String())
		}
		return f[0], f[1]
	case err := <-exited:
		t.Fatalf("serve exited: %v\nstderr:\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not say where it listens in 60s\nstderr:\n%s", stderr.String())
	}
	return "", ""
}
