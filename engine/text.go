package engine

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

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

// asciiFoldWords is each ASCII byte as AppendFoldWords writes it: letters in lower case, white
// space as a space.
var asciiFoldWords = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		switch {
		case c == ' ' || ('\t' <= c && c <= '\r'):
			t[c] = ' '
		case 'A' <= c && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		default:
			t[c] = byte(c)
		}
	}
	return t
}()

// AppendFoldWords appends the form of s that keywords are matched in: folded as AppendFold does,
// every run of white space (spaces, tabs, line breaks, no-break and other Unicode spaces) written
// as one space, and the typographic apostrophes ’ and ʼ written as '. A keyword and the text it
// is looked for in both go through it, so "dar  de\u00a0baja" holds the phrase "dar de baja".
func AppendFoldWords(dst []byte, s string) []byte {
	// out is written by index: past n it always has room for what is left of s written byte
	// for byte, which is all an ASCII byte takes; a rune that folds longer grows it again.
	n := len(dst)
	out := slices.Grow(dst, len(s))
	out = out[:cap(out)]
	space := false
	for i := 0; i < len(s); {
		// Eight bytes at a time while they need nothing but letters lowered: ASCII, no white
		// space but single spaces.
		if i+8 <= len(s) {
			w := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
			if w&highBits == 0 {
				control := atLeast(w, '\t') &^ atLeast(w, '\r'+1)
				spaces := atLeast(w, ' ') &^ atLeast(w, ' '+1)
				if control == 0 && spaces&(spaces<<8) == 0 && !(space && spaces&0x80 != 0) {
					upper := atLeast(w, 'A') &^ atLeast(w, 'Z'+1)
					binary.LittleEndian.PutUint64(out[n:n+8], w|upper>>2) // 'a'-'A' is 0x80>>2
					i, n, space = i+8, n+8, spaces>>63 != 0
					continue
				}
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			f := asciiFoldWords[c]
			if f == ' ' {
				if space {
					continue
				}
				space = true
			} else {
				space = false
			}
			out[n] = f
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		b := out[:n]
		switch {
		case unicode.IsSpace(r):
			if !space {
				b = append(b, ' ')
			}
			space = true
		case r == '\u2019' || r == '\u02bc':
			b, space = append(b, '\''), false
		case int(r) < len(foldTable):
			b, space = append(b, foldTable[r]...), false
		case unicode.Is(unicode.Mn, r):
			// a combining mark: dropped, and it does not end a run of spaces
		default:
			b, space = append(b, foldRuneSlow(r)...), false
		}
		n = len(b)
		if cap(b)-n < len(s)-i {
			b = slices.Grow(b, len(s)-i)
		}
		out = b[:cap(b)]
	}
	return out[:n]
}

// Bytes of a word of eight bytes, for AppendFoldWords.
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// atLeast has the high bit of each byte of w set where the byte is at least m, for w whose
// bytes are all below 0x80: no byte's sum carries into the next.
func atLeast(w uint64, m byte) uint64 { return (w + lowBits*uint64(0x80-m)) & highBits }

// FoldWords returns the form of s that keywords are matched in (AppendFoldWords), without the
// space at either end.
func FoldWords(s string) string {
	return strings.TrimSpace(string(AppendFoldWords(make([]byte, 0, len(s)), s)))
}

// WholeMatch tells whether text[start:end], a keyword found in text, stands as whole words: a
// keyword that begins with a letter or digit must not follow one, and one that ends with a
// letter or digit must not be followed by one. A symbol or emoji at an edge is a word of its own,
// so "📴" stands whole in "you📴" and "+1" in "a+1"; only a zero-width joiner, which makes one
// emoji of two ("👩‍💻"), keeps it from standing alone.
func WholeMatch(text []byte, start, end int) bool {
	if WordAt(text, start) {
		if WordBefore(text, start) {
			return false
		}
	} else if joinerBefore(text, start) {
		return false
	}
	if WordBefore(text, end) {
		return !WordAt(text, end)
	}
	return !joinerAt(text, end)
}

const zeroWidthJoiner = "\u200d"

func joinerAt(s []byte, i int) bool {
	return i >= 0 && i < len(s) && bytes.HasPrefix(s[i:], []byte(zeroWidthJoiner))
}

func joinerBefore(s []byte, i int) bool {
	return i >= len(zeroWidthJoiner) && i <= len(s) && bytes.HasSuffix(s[:i], []byte(zeroWidthJoiner))
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
