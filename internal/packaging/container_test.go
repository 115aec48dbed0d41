package packaging

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// composeURL is the database URL compose.yaml gives both nodes, as the docs give it.
const composeURL = "postgres://switchboard:switchboard@postgres:5432/switchboard?sslmode=disable"

// composeFile is what the test reads of compose.yaml.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       string            `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Volumes     []string          `yaml:"volumes"`
		Healthcheck struct {
			Test     []string `yaml:"test"`
			Interval string   `yaml:"interval"`
			Timeout  string   `yaml:"timeout"`
			Retries  int      `yaml:"retries"`
		} `yaml:"healthcheck"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// TestComposeFile: compose.yaml is valid YAML with PostgreSQL and two Switchboard nodes of the
// image the Dockerfile builds, on the ports and with the database URL the docs give.
func TestComposeFile(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(root, "compose.yaml"))
	require.NoError(t, err)
	var c composeFile
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&c), "compose.yaml")

	pg, ok := c.Services["postgres"]
	require.True(t, ok, "compose.yaml has a postgres service")
	require.Regexp(t, `^postgres:\d+`, pg.Image, "PostgreSQL's official image, at a major version")
	require.Equal(t, "switchboard", pg.Environment["POSTGRES_USER"])
	require.Equal(t, "switchboard", pg.Environment["POSTGRES_PASSWORD"])
	require.Equal(t, "switchboard", pg.Environment["POSTGRES_DB"])
	require.Contains(t, strings.Join(pg.Healthcheck.Test, " "), "pg_isready", "the nodes wait until PostgreSQL takes connections")
	require.Equal(t, []string{"postgres-data:/var/lib/postgresql/data"}, pg.Volumes)
	require.Contains(t, c.Volumes, "postgres-data", "the database outlives its container")

	docs := readDocs(t)
	for name, port := range map[string]string{"switchboard-1": "8080", "switchboard-2": "8081"} {
		s, ok := c.Services[name]
		require.True(t, ok, "compose.yaml has a service %s", name)
		require.Equal(t, "switchboard:local", s.Image, "%s runs the image the Dockerfile builds", name)
		require.Equal(t, composeURL, s.Environment["SWITCHBOARD_DB"], "%s's database", name)
		require.Equal(t, []string{"127.0.0.1:" + port + ":8080"}, s.Ports, "%s's port, on this machine only", name)
		require.Contains(t, docs, "http://127.0.0.1:"+port+"/", "the docs name %s's address", name)
		require.NotEmpty(t, s.DependsOn, "%s waits for what it needs", name)
	}
	require.Equal(t, ".", c.Services["switchboard-1"].Build, "the first node builds the image from the Dockerfile")
	require.Equal(t, "service_healthy", c.Services["switchboard-1"].DependsOn["postgres"].Condition)
	require.Equal(t, "service_healthy", c.Services["switchboard-2"].DependsOn["switchboard-1"].Condition,
		"the second node starts when the first has made the schema and the first admin token")
	require.Contains(t, docs, composeURL, "the docs give the database URL of compose.yaml")
	require.Contains(t, docs, "docker compose up")
}

// TestDockerfile: the image is built by the command the static binary test runs, ends in a
// distroless image as a non-root user, keeps its SQLite file in a volume, and checks its health
// with switchboard healthcheck on the port it exposes.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	require.NoError(t, err)
	text := string(src)
	froms := regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(text, -1)
	require.Len(t, froms, 3, "a node stage, a Go stage, the final stage")
	require.Regexp(t, `^node:20`, froms[0][1], "the editor is built with Node.js 20")
	require.Regexp(t, `^golang:1\.26`, froms[1][1], "the Go release of go.mod")
	require.Equal(t, "gcr.io/distroless/static-debian12:nonroot", froms[2][1])
	require.Contains(t, text, "RUN npm ci")
	require.Regexp(t, `(?m)^RUN .*scripts/build-static\.sh /out/switchboard`, text, "the Go stage builds as scripts/build-static.sh does")
	require.Regexp(t, `(?m)^COPY --from=editor /src/editor/dist/ \./editor/dist/$`, text, "the editor is embedded")

	final := text[strings.LastIndex(text, "\nFROM "):]
	user := regexp.MustCompile(`(?m)^USER (\S+)`).FindStringSubmatch(final)
	require.NotNil(t, user, "the final stage names its user")
	require.NotRegexp(t, `^(0|root)(:|$)`, user[1], "the final stage runs as a non-root user")
	require.Regexp(t, `(?m)^VOLUME /data$`, final)
	require.Contains(t, final, "SWITCHBOARD_DB=/data/switchboard.db", "the SQLite file is in the volume")
	require.Regexp(t, `(?m)^EXPOSE 8080$`, final)
	require.Contains(t, final, "SWITCHBOARD_ADDR=0.0.0.0:8080")
	require.Regexp(t, `(?s)HEALTHCHECK .*CMD \["/usr/local/bin/switchboard", "healthcheck", "--url", "http://127\.0\.0\.1:8080/readyz"\]`, final)

	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	require.NoError(t, err)
	for _, p := range []string{".git", "editor/node_modules", "editor/dist", "dist", "bin"} {
		require.Regexp(t, `(?m)^`+regexp.QuoteMeta(p)+`$`, string(ignore), ".dockerignore leaves %s out of the build context", p)
	}
}

// readDocs is README.md and docs/server.md, where the docs say how to start the containers.
func readDocs(t *testing.T) string {
	t.Helper()
	var all strings.Builder
	for _, name := range []string{"README.md", filepath.Join("docs", "server.md")} {
		src, err := os.ReadFile(filepath.Join(root, name))
		require.NoError(t, err)
		all.Write(src)
	}
	return all.String()
}
