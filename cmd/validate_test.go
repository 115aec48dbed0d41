package cmd_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/cmd"
)

func TestValidateExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		code       int
		wantStderr string
	}{
		{"the examples are valid", []string{examples}, cmd.ExitOK, " checked: 0 errors, 0 warnings\n"},
		{"the examples are valid with --strict", []string{"--strict", examples}, cmd.ExitOK, " checked: 0 errors, 0 warnings\n"},
		{"a file with errors", []string{"testdata/validate/errors.yaml"}, cmd.ExitProblems, "1 file checked: 2 errors, 0 warnings\n"},
		{"warnings alone pass", []string{"testdata/validate/warnings.yaml"}, cmd.ExitOK, "1 file checked: 0 errors, 1 warning\n"},
		{"warnings fail with --strict", []string{"--strict", "testdata/validate/warnings.yaml"}, cmd.ExitProblems, "1 file checked: 0 errors, 1 warning\n"},
		{"warnings fail with --strict in any format", []string{"--strict", "--format", "json", "testdata/validate/warnings.yaml"}, cmd.ExitProblems, ""},
		{"errors fail in any format", []string{"--format", "github", "testdata/validate/errors.yaml"}, cmd.ExitProblems, ""},
		{"a path that does not exist", []string{"testdata/validate/nowhere"}, cmd.ExitUsage, "switchboard: stat testdata/validate/nowhere: no such file or directory\n"},
		{"one path of several that does not exist", []string{examples, "testdata/validate/nowhere.yaml"}, cmd.ExitUsage, "no such file or directory"},
		{"an unknown format", []string{"--format", "xml", examples}, cmd.ExitUsage, `switchboard: unknown format "xml": use text, json or github` + "\n"},
		{"no arguments", nil, cmd.ExitUsage, "switchboard: requires at least 1 arg(s), only received 0\n"},
		{"a directory with nothing to check", []string{t.TempDir()}, cmd.ExitUsage, "switchboard: no flow files (*.yaml, *.yml, *.json) in ["},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := switchboard(t, "", append([]string{"validate"}, tt.args...)...)
			require.Equal(t, tt.code, res.code, "stdout: %s\nstderr: %s", res.stdout, res.stderr)
			if tt.wantStderr == "" {
				require.Empty(t, res.stderr, "only the text format prints a summary")
			} else {
				require.Contains(t, res.stderr, tt.wantStderr)
			}
		})
	}
}

func TestValidateText(t *testing.T) {
	t.Parallel()
	res := switchboard(t, "", "validate", "testdata/validate/errors.yaml", "testdata/validate/warnings.yaml")
	require.Equal(t, cmd.ExitProblems, res.code)
	golden(t, "testdata/validate/text.golden", res.stdout)
	require.Equal(t, "2 files checked: 2 errors, 1 warning\n", res.stderr)
	line := regexp.MustCompile(`^[^:]+:\d+:\d+: (error|warning): .+ \[[a-z-]+\]$`)
	for _, l := range strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n") {
		require.Regexp(t, line, l)
	}
}

func TestValidateJSON(t *testing.T) {
	t.Parallel()
	res := switchboard(t, "", "validate", "--format", "json", "testdata/validate/errors.yaml", "testdata/validate/warnings.yaml")
	require.Equal(t, cmd.ExitProblems, res.code)
	var diags []map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &diags), "the output is a JSON array:\n%s", res.stdout)
	require.Len(t, diags, 3)
	for _, d := range diags {
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		require.ElementsMatch(t, []string{"file", "line", "column", "severity", "code", "path", "message"}, keys)
	}
	require.Equal(t, map[string]any{
		"file": "testdata/validate/errors.yaml", "line": 10.0, "column": 33.0, "severity": "error",
		"code": "bad-expression", "path": "blocks.check.params.when",
		"message": "interaction has no field txet; did you mean interaction.text?",
	}, diags[0])
	require.Equal(t, "unknown-block-type", diags[1]["code"])
	require.Equal(t, "warning", diags[2]["severity"])
	require.Equal(t, "unwired-exit", diags[2]["code"])

	t.Run("no problems is an empty array", func(t *testing.T) {
		t.Parallel()
		res := switchboard(t, "", "validate", "--format", "json", examples)
		require.Equal(t, cmd.ExitOK, res.code)
		require.Equal(t, "[]\n", res.stdout)
	})
}

func TestValidateGitHub(t *testing.T) {
	t.Parallel()
	res := switchboard(t, "", "validate", "--format", "github", "testdata/validate/errors.yaml", "testdata/validate/warnings.yaml")
	require.Equal(t, cmd.ExitProblems, res.code)
	lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	require.Len(t, lines, 3)
	annotation := regexp.MustCompile(`^::(error|warning) file=[^,:]+,line=\d+,col=\d+,title=[a-z-]+::\S.*$`)
	for _, l := range lines {
		require.Regexp(t, annotation, l)
	}
	require.Equal(t, "::error file=testdata/validate/errors.yaml,line=10,col=33,title=bad-expression::"+
		"interaction has no field txet; did you mean interaction.text?", lines[0])
	require.True(t, strings.HasPrefix(lines[2], "::warning file=testdata/validate/warnings.yaml,line=11,col=5,title=unwired-exit::"), lines[2])
}

// TestValidateDirectories checks that directories are searched recursively for flow files,
// leaving out flow tests, hidden directories and other files.
func TestValidateDirectories(t *testing.T) {
	t.Parallel()
	res := switchboard(t, "", "validate", "testdata/validate/tree")
	require.Equal(t, cmd.ExitProblems, res.code)
	require.Equal(t, "2 files checked: 1 error, 0 warnings\n", res.stderr, "a.yaml and sub/b.yml, not sub/b.test.yaml, .hidden/c.yaml or notes.txt")
	require.Equal(t, 1, strings.Count(res.stdout, "\n"), res.stdout)
	require.True(t, strings.HasPrefix(res.stdout, "testdata/validate/tree/sub/b.yml:7:21: error: "), res.stdout)
	require.True(t, strings.HasSuffix(res.stdout, " [dangling-next]\n"), res.stdout)
}

func TestValidateLanguages(t *testing.T) {
	t.Parallel()
	const file = "../examples/flows/multilingual.yaml"
	res := switchboard(t, "", "validate", "--languages", "es,it,fr", file)
	require.Equal(t, cmd.ExitOK, res.code, "every text has its Italian and French translation: %s", res.stdout)

	res = switchboard(t, "", "validate", "--languages", "it,pt", file)
	require.Equal(t, cmd.ExitProblems, res.code)
	require.Equal(t, file+":17:13: error: text of block greet has no pt translation; add it under translations.pt.greet.text [missing-translation]\n"+
		file+":52:16: error: message of block bye has no pt translation; add it under translations.pt.bye.message [missing-translation]\n", res.stdout)

	res = switchboard(t, "", "validate", "--languages", "it", "../examples/flows/facebook-care.yaml")
	require.Equal(t, cmd.ExitProblems, res.code)
	require.Contains(t, res.stdout, "facebook-care.yaml:3:1: error: the flow does not say which language its texts are in")

	res = switchboard(t, "", "validate", "--languages", "Italian", file)
	require.Equal(t, cmd.ExitUsage, res.code)
	require.Contains(t, res.stderr, `--languages: "Italian" is not a language code`)
}
