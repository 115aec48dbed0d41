package cmd_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/cmd"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with the current output")

// registry holds the built-in blocks; registries are safe for concurrent use.
var registry = blocks.NewRegistry()

// examples holds the example flows and their tests, which must all pass.
const examples = "../examples/flows"

// result is what one run of the command line did.
type result struct {
	code           int
	stdout, stderr string
}

// switchboard runs the command line in-process with stdin as its standard input.
func switchboard(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cmd.Run(context.Background(), args, cmd.Env{
		Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr, Registry: registry,
	})
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// golden compares got with a file of testdata/, or rewrites the file with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to write the golden file")
	require.Equal(t, string(want), got, "%s differs; run go test -update if the change is intended", path)
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--help"}, {"help"}, {"help", "run"},
		{"validate", "--help"}, {"fmt", "--help"}, {"schema", "--help"}, {"blocks", "--help"},
		{"run", "--help"}, {"test", "--help"}, {"serve", "--help"}, {"migrate", "--help"},
		{"token", "--help"}, {"token", "create", "--help"}, {"completion", "--help"}, {"completion", "bash", "--help"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			res := switchboard(t, "", args...)
			require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
			require.Contains(t, res.stdout, "Usage:")
			require.Empty(t, res.stderr)
		})
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"an unknown subcommand", []string{"validat", "x.yaml"}, `switchboard: unknown command "validat" for "switchboard"`},
		{"an unknown flag", []string{"--nope"}, "switchboard: unknown flag: --nope"},
		{"an unknown flag of validate", []string{"validate", "--nope", examples}, "switchboard: unknown flag: --nope"},
		{"an unknown flag of fmt", []string{"fmt", "--nope", examples}, "switchboard: unknown flag: --nope"},
		{"an unknown flag of schema", []string{"schema", "--nope"}, "switchboard: unknown flag: --nope"},
		{"an unknown flag of blocks", []string{"blocks", "--nope"}, "switchboard: unknown flag: --nope"},
		{"an unknown flag of run", []string{"run", "--nope", "x.yaml"}, "switchboard: unknown flag: --nope"},
		{"an unknown flag of test", []string{"test", "--nope", examples}, "switchboard: unknown flag: --nope"},
		{"an unknown flag of serve", []string{"serve", "--nope"}, "switchboard: unknown flag: --nope"},
		{"an unknown flag of migrate", []string{"migrate", "--nope"}, "switchboard: unknown flag: --nope"},
		{"a flag without its value", []string{"validate", "--format"}, "switchboard: flag needs an argument: --format"},
		{"schema takes no arguments", []string{"schema", "extra"}, `switchboard: unknown command "extra" for "switchboard schema"`},
		{"a token without a role", []string{"token", "create"}, `switchboard: required flag(s) "role" not set`},
		{"a token with an unknown role", []string{"token", "create", "--role", "wizard"}, `switchboard: --role "wizard": use admin, designer, supervisor or agent`},
		{"an agent token without its agent", []string{"token", "create", "--role", "agent"}, "switchboard: an agent token needs --agent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := switchboard(t, "", tt.args...)
			require.Equal(t, cmd.ExitUsage, res.code, "stdout: %s\nstderr: %s", res.stdout, res.stderr)
			require.Contains(t, res.stderr, tt.wantStderr)
		})
	}
}
