package cmd

import "testing"

func TestServesDatabase(t *testing.T) {
	for _, tc := range []struct {
		title string
		want  bool
	}{
		{"postgres: 15/main: postgres bench 127.0.0.1(40312) idle", true},
		{"postgres: switchboard bench [local] idle in transaction", true},
		{"postgres: 15/main: postgres other 127.0.0.1(40312) idle", false},
		{"postgres: 15/main: checkpointer ", false},
		{"postgres: 15/main: walwriter", false},
		{"/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql", false},
	} {
		if got := servesDatabase(tc.title, "bench"); got != tc.want {
			t.Errorf("servesDatabase(%q) = %v, want %v", tc.title, got, tc.want)
		}
	}
}
