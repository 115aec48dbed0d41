package flows_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

// migrateDir holds flow files of older formats, each beside a golden file of what Upgrade
// writes: the old file in, the new one out.
const migrateDir = "testdata/migrate"

func TestUpgradeGolden(t *testing.T) {
	reg := blocks.NewRegistry()
	files, err := filepath.Glob(filepath.Join(migrateDir, "*"))
	require.NoError(t, err)
	inputs := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".golden") {
			continue
		}
		inputs++
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			got, ds := flows.Upgrade(path, src, reg)
			require.Empty(t, ds)
			golden := path + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./flows -run TestUpgradeGolden -update to write it")
			require.Equal(t, string(want), string(got))

			doc, ds := flows.Parse(path+".golden"+filepath.Ext(path), got)
			require.Empty(t, ds)
			require.Equal(t, flows.FormatVersion, doc.Version, "the upgraded file is in the newest format")
			again, ds := flows.Upgrade(path, got, reg)
			require.Empty(t, ds)
			require.Equal(t, string(got), string(again), "upgrading twice changes nothing")

			old, ds := flows.Load(path, src, reg)
			require.Empty(t, ds, "the old file loads as it is")
			upgraded, ds := flows.Load(path, got, reg)
			require.Empty(t, ds)
			require.Equal(t, summarize(t, old), summarize(t, upgraded), "the old and the upgraded file are the same flow")
		})
	}
	require.GreaterOrEqual(t, inputs, 3)
}

func TestFormatKeepsTheVersion(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(migrateDir, "comments.yaml"))
	require.NoError(t, err)
	out, ds := flows.Format("comments.yaml", src, blocks.NewRegistry())
	require.Empty(t, ds)
	require.True(t, bytes.Contains(out, []byte("\nswitchboard: 1 # the format\n")), "fmt without --upgrade keeps format 1:\n%s", out)
	doc, _ := flows.Parse("comments.yaml", src)
	require.Equal(t, 1, doc.Version, "the document says the format it was written in")
}

func TestMigrationsCoverEveryVersion(t *testing.T) {
	t.Parallel()
	require.Len(t, flows.Migrations, flows.FormatVersion-flows.MinFormatVersion)
	for i, m := range flows.Migrations {
		require.Equal(t, flows.MinFormatVersion+i, m.From)
		require.NotEmpty(t, m.Summary)
		require.NotNil(t, m.Apply)
	}
}

func TestNewerKeysInAnOlderFormat(t *testing.T) {
	t.Parallel()
	src := "switchboard: 1\nid: old\nlanguage: es\nblocks:\n  chat: {type: webchat.trigger, next: {message: done}}\n  done: {type: end}\ntranslations: {it: {}}\n"
	ds := flows.Validate("old.yaml", []byte(src), blocks.NewRegistry())
	require.Len(t, ds, 2, "%v", ds)
	for i, line := range []int{3, 7} {
		require.Equal(t, flows.CodeUnknownField, ds[i].Code)
		require.Equal(t, line, ds[i].Line)
		require.Contains(t, ds[i].Message, "is a key of format 2; this file is format 1: run switchboard fmt --upgrade -w on it first")
	}
}
