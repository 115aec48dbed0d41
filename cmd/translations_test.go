package cmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/cmd"
)

func TestTranslationsExportAndImport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src, err := os.ReadFile("../examples/flows/multilingual.yaml")
	require.NoError(t, err)
	flow := filepath.Join(dir, "multilingual.yaml")
	require.NoError(t, os.WriteFile(flow, src, 0o600))

	res := switchboard(t, "", "translations", "export", "--language", "pt", flow)
	require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
	require.Contains(t, res.stdout, "msgctxt \"greet.text\"\n")
	po := strings.Replace(res.stdout, "msgid \"Ahora no podemos atenderte. ¡Escribinos más tarde!\"\nmsgstr \"\"",
		"msgid \"Ahora no podemos atenderte. ¡Escribinos más tarde!\"\nmsgstr \"Agora não podemos atender. Escreva mais tarde!\"", 1)
	poFile := filepath.Join(dir, "pt.po")
	require.NoError(t, os.WriteFile(poFile, []byte(po), 0o600))

	res = switchboard(t, "", "translations", "import", "-w", flow, poFile)
	require.Equal(t, cmd.ExitOK, res.code, "stderr: %s", res.stderr)
	got, err := os.ReadFile(flow)
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(string(got), "  pt:\n    bye:\n      message: Agora não podemos atender. Escreva mais tarde!\n"), "%s", got)
	require.True(t, strings.HasPrefix(string(got), "# Web chat in three languages"), "comments are kept")

	res = switchboard(t, "", "validate", "--languages", "pt", flow)
	require.Equal(t, cmd.ExitProblems, res.code, "greet has no Portuguese yet")
	require.Contains(t, res.stdout, "text of block greet has no pt translation")

	res = switchboard(t, "", "translations", "export", flow)
	require.Equal(t, cmd.ExitUsage, res.code)
	res = switchboard(t, "", "translations", "import", flow, filepath.Join(dir, "missing.po"))
	require.Equal(t, cmd.ExitUsage, res.code)
}
