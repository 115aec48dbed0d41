package cmd_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/cmd"
)

func TestFmtPrints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file, golden string
	}{
		{"testdata/fmt/messy.yaml", "testdata/fmt/messy.yaml.golden"},
		{"testdata/fmt/messy.json", "testdata/fmt/messy.json.golden"},
		{"testdata/fmt/tidy.yaml", "testdata/fmt/tidy.yaml"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			t.Parallel()
			res := switchboard(t, "", "fmt", tt.file)
			require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
			require.Empty(t, res.stderr)
			if tt.golden == tt.file {
				want, err := os.ReadFile(tt.file)
				require.NoError(t, err)
				require.Equal(t, string(want), res.stdout, "a formatted file prints unchanged")
				return
			}
			golden(t, tt.golden, res.stdout)
		})
	}
}

func TestFmtCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		paths  []string
		code   int
		stdout string
	}{
		{"lists the files that would change", []string{"testdata/fmt"}, cmd.ExitProblems,
			"testdata/fmt/messy.json\ntestdata/fmt/messy.yaml\n"},
		{"a formatted file", []string{"testdata/fmt/tidy.yaml"}, cmd.ExitOK, ""},
		{"the examples are formatted", []string{examples}, cmd.ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := switchboard(t, "", append([]string{"fmt", "--check"}, tt.paths...)...)
			require.Equal(t, tt.code, res.code, "stderr: %s", res.stderr)
			require.Equal(t, tt.stdout, res.stdout)
			require.Empty(t, res.stderr)
		})
	}
}

func TestFmtWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"messy.yaml", "messy.json", "tidy.yaml"} {
		src, err := os.ReadFile(filepath.Join("testdata/fmt", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), src, 0o600))
	}
	want := map[string]string{
		"messy.yaml": "testdata/fmt/messy.yaml.golden",
		"messy.json": "testdata/fmt/messy.json.golden",
		"tidy.yaml":  "testdata/fmt/tidy.yaml",
	}
	read := func() map[string]string {
		got := map[string]string{}
		for name := range want {
			b, err := os.ReadFile(filepath.Join(dir, name))
			require.NoError(t, err)
			got[name] = string(b)
		}
		return got
	}

	res := switchboard(t, "", "fmt", "-w", dir)
	require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
	require.Empty(t, res.stdout, "-w prints nothing")
	first := read()
	for name, path := range want {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, string(b), first[name], "%s after fmt -w", name)
		info, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "fmt -w keeps the file's mode")
	}

	res = switchboard(t, "", "fmt", "-w", dir)
	require.Equal(t, cmd.ExitOK, res.code)
	require.Equal(t, first, read(), "a second fmt -w changes nothing")
	res = switchboard(t, "", "fmt", "--check", dir)
	require.Equal(t, cmd.ExitOK, res.code, "nothing is left to format: %s", res.stdout)
}

func TestFmtErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		code       int
		wantStderr string
	}{
		{"a syntax error is reported", []string{"testdata/fmt-syntax"}, cmd.ExitProblems,
			"testdata/fmt-syntax/broken.yaml:3:1: error: did not find expected ',' or ']' [syntax]\n"},
		{"a syntax error is reported with --check", []string{"--check", "testdata/fmt-syntax/broken.yaml"}, cmd.ExitProblems,
			"testdata/fmt-syntax/broken.yaml:3:1: error: did not find expected ',' or ']' [syntax]\n"},
		{"-w with --check", []string{"-w", "--check", "testdata/fmt"}, cmd.ExitUsage,
			"switchboard: -w and --check do not go together\n"},
		{"a path that does not exist", []string{"testdata/fmt/nowhere.yaml"}, cmd.ExitUsage,
			"switchboard: stat testdata/fmt/nowhere.yaml: no such file or directory\n"},
		{"no arguments", nil, cmd.ExitUsage, "switchboard: requires at least 1 arg(s), only received 0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := switchboard(t, "", append([]string{"fmt"}, tt.args...)...)
			require.Equal(t, tt.code, res.code, "stdout: %s\nstderr: %s", res.stdout, res.stderr)
			require.Empty(t, res.stdout)
			require.Contains(t, res.stderr, tt.wantStderr)
		})
	}
}

func TestFmtUpgrade(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src, err := os.ReadFile("../flows/testdata/migrate/comments.yaml")
	require.NoError(t, err)
	want, err := os.ReadFile("../flows/testdata/migrate/comments.yaml.golden")
	require.NoError(t, err)
	file := filepath.Join(dir, "old.yaml")
	require.NoError(t, os.WriteFile(file, src, 0o644))

	res := switchboard(t, "", "fmt", "-w", dir)
	require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
	formatted, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Contains(t, string(formatted), "\nswitchboard: 1 # the format\n", "fmt keeps format 1")
	res = switchboard(t, "", "fmt", "--check", dir)
	require.Equal(t, cmd.ExitOK, res.code, "a formatted format 1 file passes fmt --check: %s", res.stdout)
	res = switchboard(t, "", "fmt", "--check", "--upgrade", dir)
	require.Equal(t, cmd.ExitProblems, res.code)
	require.Equal(t, file+"\n", res.stdout, "--check --upgrade lists the files of older formats")

	res = switchboard(t, "", "fmt", "--upgrade", "-w", dir)
	require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "the file is rewritten in format 2 with its comments")
	res = switchboard(t, "", "fmt", "--check", "--upgrade", dir)
	require.Equal(t, cmd.ExitOK, res.code)
}
