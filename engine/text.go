package engine

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// foldTable maps the runes of Latin-1 and Latin Extended-A/B to their folded form, built once
// from Unicode's decompositions and case folding so the hot path does no allocation for them.
var foldTable = func() []string {
	t := make([]string, 0x250)
	for r := rune(0); r < 0x250; r++ {
		t[r] = foldRuneSlow(r)
	}
	return t
}()

var caseFolder = cases.Fold()

// foldRuneSlow folds one rune through Unicode: canonical decomposition, marks dropped, then
// case folding ("É" → "e", "ß" → "ss").
func foldRuneSlow(r rune) string {
	var b strings.Builder
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		b.WriteRune(d)
	}
	return caseFolder.String(b.String())
}

// Fold returns s in lower case without accents, for case- and accent-insensitive matching of
// Spanish, Portuguese, French, Italian and English text: "Reembolsó ÁGIL" → "reembolso agil".
func Fold(s string) string {
	return string(AppendFold(make([]byte, 0, len(s)), s))
}

// AppendFold appends the folded form of s to dst.
func AppendFold(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case int(r) < len(foldTable):
			dst = append(dst, foldTable[r]...)
		case unicode.Is(unicode.Mn, r):
			// a combining mark of text that came decomposed: drop it as the table does
		default:
			dst = append(dst, foldRuneSlow(r)...)
		}
	}
	return dst
}

// WordAt tells whether the rune that starts at byte i of s is part of a word (a letter, a digit
// or _). Outside s it is false.
func WordAt(s []byte, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	if c := s[i]; c < utf8.RuneSelf {
		return isASCIIWord(c)
	}
	r, _ := utf8.DecodeRune(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// WordBefore tells whether the rune that ends at byte i of s is part of a word.
func WordBefore(s []byte, i int) bool {
	if i <= 0 || i > len(s) {
		return false
	}
	if c := s[i-1]; c < utf8.RuneSelf {
		return isASCIIWord(c)
	}
	r, _ := utf8.DecodeLastRune(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isASCIIWord(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || ('A' <= c && c <= 'Z')
}
