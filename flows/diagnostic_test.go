package flows_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/flows"
)

func TestDiagnosticsSortAndCount(t *testing.T) {
	t.Parallel()
	ds := flows.Diagnostics{
		{File: "b.yaml", Line: 1, Column: 1, Severity: flows.Error, Code: flows.CodeSyntax},
		{File: "a.yaml", Line: 3, Column: 1, Severity: flows.Warning, Code: flows.CodeUnwiredExit},
		{File: "a.yaml", Line: 2, Column: 9, Severity: flows.Error, Code: flows.CodeUnknownExit},
		{File: "a.yaml", Line: 2, Column: 9, Severity: flows.Error, Code: flows.CodeDanglingNext},
		{File: "a.yaml", Line: 2, Column: 3, Severity: flows.Warning, Code: flows.CodeUnsetVar},
	}
	ds.Sort()
	var order []string
	for _, d := range ds {
		order = append(order, d.File+":"+d.Code)
	}
	require.Equal(t, []string{"a.yaml:unset-var", "a.yaml:dangling-next", "a.yaml:unknown-exit", "a.yaml:unwired-exit", "b.yaml:syntax"}, order,
		"by file, line, column, then code")
	errs, warns := ds.Count()
	require.Equal(t, 3, errs)
	require.Equal(t, 2, warns)
	require.True(t, ds.HasErrors())
	require.False(t, ds[3:4].HasErrors())
	require.False(t, flows.Diagnostics(nil).HasErrors())
}

func TestDiagnosticsWriters(t *testing.T) {
	t.Parallel()
	ds := flows.Diagnostics{{File: "dir,x/a:b.yaml", Line: 2, Column: 5, Severity: flows.Warning, Code: flows.CodeUnsetVar,
		Path: "blocks.x", Message: "100% sure\r\nsecond line: yes, really"}}

	var text bytes.Buffer
	require.NoError(t, ds.WriteText(&text))
	require.Equal(t, "dir,x/a:b.yaml:2:5: warning: 100% sure\r\nsecond line: yes, really [unset-var]\n", text.String())

	var gh bytes.Buffer
	require.NoError(t, ds.WriteGitHub(&gh))
	require.Equal(t, "::warning file=dir%2Cx/a%3Ab.yaml,line=2,col=5,title=unset-var::100%25 sure%0D%0Asecond line: yes, really\n", gh.String(),
		"GitHub's escapes: %, CR and LF in the message, also : and , in properties")

	var js bytes.Buffer
	require.NoError(t, flows.Diagnostics(nil).WriteJSON(&js))
	require.Equal(t, "[]\n", js.String(), "no diagnostics are an empty array, not null")

	js.Reset()
	require.NoError(t, flows.Diagnostics{{File: "a.yaml", Line: 1, Column: 1, Severity: flows.Error, Code: "x", Message: "<b> & </b>"}}.WriteJSON(&js))
	require.Contains(t, js.String(), `"message": "<b> & </b>"`, "no HTML escaping")
}
