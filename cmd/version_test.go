package cmd_test

import (
	"regexp"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	r := switchboard(t, "", "version")
	require.Equal(t, 0, r.code, r.stderr)
	require.Regexp(t, regexp.MustCompile(`^switchboard \S+\ncommit:   \S+\nbuilt:    \S+\ngo:       `+
		regexp.QuoteMeta(runtime.Version())+`\nplatform: `+runtime.GOOS+`/`+runtime.GOARCH+`\n$`), r.stdout)

	flag := switchboard(t, "", "--version")
	require.Equal(t, 0, flag.code, flag.stderr)
	require.Equal(t, r.stdout, flag.stdout, "--version prints what version prints")

	require.Equal(t, 2, switchboard(t, "", "version", "extra").code, "version takes no arguments")
}
