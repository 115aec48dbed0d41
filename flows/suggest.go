package flows

import (
	"strings"

	"github.com/agnivade/levenshtein"
)

// suggest returns the candidate closest to name, when one is close enough to be a typo.
func suggest(name string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		d := distance(strings.ToLower(name), strings.ToLower(c))
		if best == "" || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := max(1, min(3, len(name)/3))
	if best == "" || bestDist > limit {
		// a type whose last part matches ("hours" for "calendar.hours") is still a good guess
		for _, c := range candidates {
			if i := strings.LastIndexByte(c, '.'); i >= 0 && c[i+1:] == name {
				return c
			}
		}
		return ""
	}
	return best
}

// distance is the edit distance, counting a swap of two neighbouring letters as one edit.
func distance(a, b string) int {
	if len(a) == len(b) {
		diff := []int{}
		for i := 0; i < len(a) && len(diff) <= 2; i++ {
			if a[i] != b[i] {
				diff = append(diff, i)
			}
		}
		if len(diff) == 2 && diff[1] == diff[0]+1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]] {
			return 1
		}
	}
	return levenshtein.ComputeDistance(a, b)
}

// Suggest returns the candidate closest to name when one is close enough to be a typo, or "":
// the "did you mean" of unknown block types, parameters and settings.
func Suggest(name string, candidates []string) string { return suggest(name, candidates) }
