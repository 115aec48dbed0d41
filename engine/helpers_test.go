package engine_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

func regexpMust(t *testing.T, pattern string) *regexp.Regexp {
	t.Helper()
	re, err := regexp.Compile(pattern)
	require.NoError(t, err)
	return re
}
