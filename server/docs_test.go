package server_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/store"
)

// TestDocsRoleTable checks the table "Who may call what" of docs/server.md against the
// document's x-roles, which TestAuthRolesAreTheDocumentedOnes checks against the server.
func TestDocsRoleTable(t *testing.T) {
	t.Parallel()
	spec, err := openAPI()
	require.NoError(t, err)
	text, err := os.ReadFile("../docs/server.md")
	require.NoError(t, err)
	_, table, ok := strings.Cut(string(text), "### Who may call what")
	require.True(t, ok, "docs/server.md has the table of who may call what")

	columns := []string{}
	byOperation := map[string][]string{}
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "|") {
			if len(byOperation) > 0 {
				break
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case cells[0] == "operation":
			columns = cells[1:]
			require.Equal(t, store.Roles, columns, "the table's columns are the roles")
		case strings.HasPrefix(cells[0], "---"):
		default:
			op := strings.Trim(cells[0], "`")
			require.NotContains(t, byOperation, op, "%s is in the table once", op)
			var roles []string
			for i, cell := range cells[1:] {
				if cell != "" {
					roles = append(roles, columns[i])
				}
			}
			byOperation[op] = roles
		}
	}

	for _, o := range spec.operations() {
		roles := o.roles(t)
		if len(roles) == 0 {
			continue
		}
		key := o.method + " " + strings.TrimPrefix(o.path, "/api/v1")
		got, ok := byOperation[key]
		require.True(t, ok, "docs/server.md lists %s", key)
		slices.Sort(roles)
		slices.Sort(got)
		require.Equal(t, roles, got, "docs/server.md: the roles of %s", key)
		delete(byOperation, key)
	}
	require.Empty(t, byOperation, "docs/server.md lists operations the API does not have")
}
