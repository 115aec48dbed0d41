package cmd_test

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/cmd"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// startServer runs the real server on a SQLite store with the skill billing and no
// calendars, and returns its URL and a designer token.
func startServer(t *testing.T) (url, token string) {
	t.Helper()
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	_, err := st.SkillPut(ctx, store.Skill{Name: "billing"}, "test")
	require.NoError(t, err)
	secret, hash := server.NewToken()
	_, err = st.TokenCreate(ctx, store.Token{Name: "ci", Role: store.RoleDesigner, Hash: hash}, "test")
	require.NoError(t, err)
	srv := server.New(server.Config{Store: st, Registry: engine.DefaultRegistry()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { require.NoError(t, srv.Shutdown(ctx)) })
	return "http://" + ln.Addr().String(), secret
}

func TestValidateAgainstAServer(t *testing.T) {
	t.Parallel()
	url, token := startServer(t)
	const file = "testdata/validate/references.yaml"

	// alone, the file is valid: the names are not checked
	res := switchboard(t, "", "validate", file)
	require.Equal(t, cmd.ExitOK, res.code, res.stdout+res.stderr)

	res = switchboard(t, "", "validate", "--server", url, "--token", token, file)
	require.Equal(t, cmd.ExitProblems, res.code, res.stdout+res.stderr)
	require.Equal(t, file+`:10:24: error: there is no calendar "support-hours" on the server; create it before publishing [unknown-calendar]`+"\n"+
		file+`:14:21: error: there is no skill "biling" on the server; did you mean "billing"? [unknown-skill]`+"\n", res.stdout)
	require.Equal(t, "1 file checked: 2 errors, 0 warnings\n", res.stderr)

	res = switchboard(t, "", "validate", "--format", "github", "--server", url, "--token", token, file)
	require.Contains(t, res.stdout, "::error file="+file+",line=14,col=21,title=unknown-skill::")

	// what is wrong with the call itself is a usage error
	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"no token", []string{"--server", url}, "--server needs a --token"},
		{"a token the server does not know", []string{"--server", url, "--token", "sbt_nope"}, "401"},
		{"not a URL", []string{"--server", "switchboard.example.com", "--token", token}, "give the server's URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := switchboard(t, "", append(append([]string{"validate"}, tc.args...), file)...)
			require.Equal(t, cmd.ExitUsage, res.code, res.stdout+res.stderr)
			require.Contains(t, res.stderr, tc.says)
		})
	}
}
