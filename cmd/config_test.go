package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
)

// configured parses args for the command at path, as Run would, then applies the environment
// env and the configuration; it returns the command.
func configured(t *testing.T, path []string, args []string, env map[string]string) (*cobra.Command, error) {
	t.Helper()
	getenv := func(k string) string { return env[k] }
	root := newRoot(Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{},
		Registry: blocks.NewRegistry(), Getenv: getenv})
	c, _, err := root.Find(path)
	require.NoError(t, err)
	require.NoError(t, c.ParseFlags(args))
	return c, applyConfig(c, getenv)
}

// writeFile writes text to a new file of the test and returns its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestConfigPrecedence(t *testing.T) {
	t.Parallel()
	file := writeFile(t, "switchboard.yaml", "retry-for: 3h\naddr: 127.0.0.1:9003\n")
	other := writeFile(t, "other.yaml", "retry-for: 4h\n")
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"default", nil, nil, "24h0m0s"},
		{"file", []string{"--config", file}, nil, "3h0m0s"},
		{"file named by the environment", nil, map[string]string{"SWITCHBOARD_CONFIG": file}, "3h0m0s"},
		{"--config wins over SWITCHBOARD_CONFIG", []string{"--config", other}, map[string]string{"SWITCHBOARD_CONFIG": file}, "4h0m0s"},
		{"environment over default", nil, map[string]string{"SWITCHBOARD_RETRY_FOR": "2h"}, "2h0m0s"},
		{"environment over file", []string{"--config", file}, map[string]string{"SWITCHBOARD_RETRY_FOR": "2h"}, "2h0m0s"},
		{"flag over default", []string{"--retry-for", "1h"}, nil, "1h0m0s"},
		{"flag over file", []string{"--retry-for", "1h", "--config", file}, nil, "1h0m0s"},
		{"flag over environment", []string{"--retry-for", "1h"}, map[string]string{"SWITCHBOARD_RETRY_FOR": "2h"}, "1h0m0s"},
		{"flag over environment and file", []string{"--retry-for", "1h", "--config", file},
			map[string]string{"SWITCHBOARD_RETRY_FOR": "2h"}, "1h0m0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := configured(t, []string{"serve"}, tc.args, tc.env)
			require.NoError(t, err)
			require.Equal(t, tc.want, c.Flags().Lookup("retry-for").Value.String())
		})
	}
}

func TestConfigEveryServeFlag(t *testing.T) {
	t.Parallel()
	c, _, err := newRoot(Env{Registry: blocks.NewRegistry()}).Find([]string{"serve"})
	require.NoError(t, err)
	n := 0
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name == "help" || f.Name == configFlagName {
			return
		}
		n++
		require.Contains(t, f.Usage, "(env "+envName(f.Name), "--%s names its variable in serve --help", f.Name)
		require.Contains(t, f.Annotations, annotationConfigured, "--%s has a variable and a file key", f.Name)
	})
	require.Greater(t, n, 15)
	for _, name := range []string{"retry-for", "shutdown-timeout", "pprof"} {
		require.Equal(t, "SWITCHBOARD_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_")), envName(name))
	}
}

func TestConfigEverySetting(t *testing.T) {
	t.Parallel()
	// every configured flag of serve, set from the environment and from the file
	env := map[string]string{
		"SWITCHBOARD_ADDR": "127.0.0.1:9001", "SWITCHBOARD_SHUTDOWN_TIMEOUT": "5s", "SWITCHBOARD_PPROF": "127.0.0.1:6061",
		"SWITCHBOARD_RETAIN_AUDIT": "7d", "SWITCHBOARD_MEMORY_BUDGET": "16MiB",
	}
	c, err := configured(t, []string{"serve"}, nil, env)
	require.NoError(t, err)
	for k, v := range map[string]string{"addr": "127.0.0.1:9001", "shutdown-timeout": "5s", "pprof": "127.0.0.1:6061",
		"retain-audit": "7d", "memory-budget": "16MiB"} {
		require.Equal(t, v, c.Flags().Lookup(k).Value.String(), k)
	}
	file := writeFile(t, "s.yaml", "shutdown-timeout: 7s\nlog-format: json\nretain-payloads: 2d\ndb: x.db\ntoken: ignored-by-serve\n")
	c, err = configured(t, []string{"serve"}, []string{"--config", file}, nil)
	require.NoError(t, err)
	for k, v := range map[string]string{"shutdown-timeout": "7s", "log-format": "json", "retain-payloads": "2d", "db": "x.db"} {
		require.Equal(t, v, c.Flags().Lookup(k).Value.String(), k)
	}
	// the commands that open the database read --db from the same file
	c, err = configured(t, []string{"token", "create"}, []string{"--config", file}, nil)
	require.NoError(t, err)
	require.Equal(t, "x.db", c.Flags().Lookup("db").Value.String())
	c, err = configured(t, []string{"validate"}, []string{"--config", file}, nil)
	require.NoError(t, err)
	require.Equal(t, "ignored-by-serve", c.Flags().Lookup("token").Value.String())
}

func TestConfigSecretFiles(t *testing.T) {
	t.Parallel()
	url := writeFile(t, "db-url", "postgres://switchboard:s3cret@db:5432/switchboard\n")
	c, err := configured(t, []string{"serve"}, nil, map[string]string{"SWITCHBOARD_DB_FILE": url})
	require.NoError(t, err)
	require.Equal(t, "postgres://switchboard:s3cret@db:5432/switchboard", c.Flags().Lookup("db").Value.String())

	token := writeFile(t, "token", "sbt_abc\n")
	c, err = configured(t, []string{"validate"}, nil, map[string]string{"SWITCHBOARD_TOKEN_FILE": token})
	require.NoError(t, err)
	require.Equal(t, "sbt_abc", c.Flags().Lookup("token").Value.String())

	_, err = configured(t, []string{"serve"}, nil, map[string]string{"SWITCHBOARD_DB_FILE": url, "SWITCHBOARD_DB": "a.db"})
	require.ErrorContains(t, err, "give SWITCHBOARD_DB or SWITCHBOARD_DB_FILE, not both")
	_, err = configured(t, []string{"serve"}, nil, map[string]string{"SWITCHBOARD_DB_FILE": url + ".missing"})
	require.ErrorContains(t, err, "$SWITCHBOARD_DB_FILE: open ")
	// flags that hold no secret have no _FILE variable
	c, err = configured(t, []string{"serve"}, nil, map[string]string{"SWITCHBOARD_ADDR_FILE": url})
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:8080", c.Flags().Lookup("addr").Value.String())
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		env        map[string]string
		want       string
	}{
		{"unknown key", "addr: 127.0.0.1:1\nretry-four: 1h\n", nil, `s.yaml:2:1: unknown key "retry-four" (did you mean retry-for?)`},
		{"bad duration", "addr: 127.0.0.1:1\nretry-for: soon\n", nil, `s.yaml:2:12: retry-for: `},
		{"bad retention", "retain-audit: forever\n", nil, `s.yaml:1:15: retain-audit: use a number of days`},
		{"list for one value", "addr: [a, b]\n", nil, `s.yaml:1:7: addr: give one value, not a list`},
		{"mapping for one value", "addr:\n  host: a\n", nil, `s.yaml:2:3: addr: give one value, not a mapping`},
		{"no value", "addr:\n", nil, `s.yaml:1:6: addr: give a value, or leave the key out`},
		{"twice", "addr: a\naddr: b\n", nil, `s.yaml:2:1: addr is set twice`},
		{"not a mapping", "- addr\n", nil, `s.yaml:1:1: write a mapping of settings`},
		{"not YAML", "addr: [\n", nil, `s.yaml: yaml: line`},
		{"the --config flag is no key", "config: other.yaml\n", nil, `s.yaml:1:1: unknown key "config"`},
		{"bad environment", "", map[string]string{"SWITCHBOARD_SHUTDOWN_TIMEOUT": "soon"}, `$SWITCHBOARD_SHUTDOWN_TIMEOUT "soon": `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, "s.yaml", tc.file)
			_, err := configured(t, []string{"serve"}, []string{"--config", path}, tc.env)
			require.Error(t, err)
			msg := strings.ReplaceAll(err.Error(), filepath.Dir(path)+string(filepath.Separator), "")
			require.Contains(t, msg, tc.want)
		})
	}
	_, err := configured(t, []string{"serve"}, []string{"--config", "/nonexistent/switchboard.yaml"}, nil)
	require.ErrorContains(t, err, "--config: open /nonexistent/switchboard.yaml")
}

// The example file of the docs is a valid configuration of serve that shows every key.
func TestConfigExampleFile(t *testing.T) {
	t.Parallel()
	const example = "../docs/switchboard.example.yaml"
	c, err := configured(t, []string{"serve"}, []string{"--config", example}, nil)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:8080", c.Flags().Lookup("addr").Value.String())
	text, err := os.ReadFile(example)
	require.NoError(t, err)
	keys := regexp.MustCompile(`(?m)^(?:# )?([a-z-]+):`)
	var shown []string
	for _, m := range keys.FindAllStringSubmatch(string(text), -1) {
		shown = append(shown, m[1])
	}
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" && f.Name != configFlagName {
			require.Contains(t, shown, f.Name, "%s shows --%s, set or commented out", example, f.Name)
		}
	})
}

// A bad configuration stops serve before it opens anything, with exit code 2.
func TestServeRefusesBadConfig(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "s.yaml", "retry-for: soon\n")
	code, _, stderr := runSwitchboard(t, "serve", "--config", path, "--db", filepath.Join(t.TempDir(), "a.db"))
	require.Equal(t, ExitUsage, code)
	require.Contains(t, stderr, path+":1:12: retry-for: ")
}
