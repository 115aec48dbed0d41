package flows

import (
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// source is one flow file's text, with what it takes to turn positions into offsets and back.
type source struct {
	file       string
	src        []byte
	json       bool
	lineStarts []int // byte offset where each line starts

	marksOnce sync.Once
	marks     []int // byte offset of every runeMark-th rune, built on first use
}

// runeMark is how many runes apart the marks are: converting between runes and bytes walks at
// most this many, however long the line (a minified JSON file is one line).
const runeMark = 64

func newSource(file string, src []byte, isJSON bool) *source {
	s := &source{file: file, src: src, json: isJSON, lineStarts: []int{0}}
	for i := 0; i < len(src); i++ {
		if n := lineBreak(src[i:]); n > 0 {
			i += n - 1
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	return s
}

// lineBreak returns the length of the line break that starts text, or 0. The breaks are YAML's,
// which number the lines of the nodes: LF, CR LF, a CR alone, and NEL, LS and PS.
func lineBreak(text []byte) int {
	switch {
	case len(text) == 0:
		return 0
	case text[0] == '\n':
		return 1
	case text[0] == '\r':
		if len(text) > 1 && text[1] == '\n' {
			return 2
		}
		return 1
	case len(text) > 1 && text[0] == 0xc2 && text[1] == 0x85: // NEL
		return 2
	case len(text) > 2 && text[0] == 0xe2 && text[1] == 0x80 && (text[2] == 0xa8 || text[2] == 0xa9): // LS, PS
		return 3
	}
	return 0
}

func (s *source) runeMarks() []int {
	s.marksOnce.Do(func() {
		s.marks = make([]int, 0, len(s.src)/runeMark+1)
		for i, r := 0, 0; i < len(s.src); r++ {
			if r%runeMark == 0 {
				s.marks = append(s.marks, i)
			}
			if s.src[i] < utf8.RuneSelf {
				i++
			} else {
				_, size := utf8.DecodeRune(s.src[i:])
				i += size
			}
		}
	})
	return s.marks
}

// runeIndex returns how many runes come before byte offset off, which starts a rune.
func (s *source) runeIndex(off int) int {
	marks := s.runeMarks()
	k, _ := slices.BinarySearch(marks, off+1) // the first mark after off
	if k == 0 {
		return 0
	}
	return (k-1)*runeMark + utf8.RuneCount(s.src[marks[k-1]:off])
}

// byteOffset returns the byte offset of rune r, or the end of the text.
func (s *source) byteOffset(r int) int {
	marks := s.runeMarks()
	if r < 0 || r/runeMark >= len(marks) {
		return len(s.src)
	}
	i := marks[r/runeMark]
	for n := r % runeMark; n > 0 && i < len(s.src); n-- {
		_, size := utf8.DecodeRune(s.src[i:])
		i += size
	}
	return i
}

// offset returns the byte offset of a 1-based line and rune column, or the end of the line.
func (s *source) offset(line, col int) int {
	if line < 1 || line > len(s.lineStarts) {
		return len(s.src)
	}
	start, end := s.lineStarts[line-1], len(s.src)
	if line < len(s.lineStarts) {
		next := s.lineStarts[line]
		end = next - 1 // the line break, which is 1, 2 or 3 bytes long
		for n := 2; n <= 3; n++ {
			if next-n >= start && lineBreak(s.src[next-n:]) == n {
				end = next - n
			}
		}
	}
	if col <= 1 {
		return start
	}
	return min(s.byteOffset(s.runeIndex(start)+col-1), end)
}

// position returns the 1-based line and rune column of a byte offset.
func (s *source) position(off int) (line, col int) {
	lo, hi := 0, len(s.lineStarts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.lineStarts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	start := s.lineStarts[lo]
	if off > len(s.src) {
		off = len(s.src)
	}
	return lo + 1, s.runeIndex(off) - s.runeIndex(start) + 1
}

// valuePosition returns the line and column in the file of the rune at offset runes into a
// scalar's value. It walks the source text of the scalar beside its decoded value, so quotes,
// escapes (\u00bf, \"), folded lines and block indentation land where they are written.
func (s *source) valuePosition(n *yaml.Node, offset int) (line, col int) {
	if offset <= 0 && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		return n.Line, n.Column
	}
	i := s.offset(n.Line, n.Column)
	if i < len(s.src) && s.src[i] == '!' { // a tag such as !!str before the value
		for i < len(s.src) && s.src[i] != ' ' && s.src[i] != '\n' {
			i++
		}
		for i < len(s.src) && s.src[i] == ' ' {
			i++
		}
	}
	double := n.Style&yaml.DoubleQuotedStyle != 0
	single := n.Style&yaml.SingleQuotedStyle != 0
	switch {
	case double || single:
		i++
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		for i < len(s.src) && lineBreak(s.src[i:]) == 0 {
			i++
		}
		i += lineBreak(s.src[i:])
	}
	value := []rune(n.Value)
	k := 0
	for k < offset && k < len(value) && i < len(s.src) {
		r, size := utf8.DecodeRune(s.src[i:])
		v := value[k]
		switch {
		case double && r == '\\' && i+1 < len(s.src):
			switch s.src[i+1] {
			case '\n', '\r':
				i += 1 + lineBreak(s.src[i+1:]) // an escaped line break joins lines: no value rune
				continue
			case 'x':
				i += 4
			case 'u':
				i += 6
			case 'U':
				i += 10
			default:
				i += 2
			}
			k++
		case single && r == '\'' && i+1 < len(s.src) && s.src[i+1] == '\'':
			i += 2
			k++
		case r == '\r' && i+1 < len(s.src) && s.src[i+1] == '\n':
			i++ // the CR of a CR LF: the value has only the line feed
		case r == '\r' && v == '\n': // a CR alone breaks the line too
			i++
			k++
		case r == v:
			i += size
			k++
		case (v == ' ' || v == '\n') && isSpace(r):
			for i < len(s.src) && isSpace(rune(s.src[i])) {
				i++
			}
			k++
		default:
			i += size // indentation and other text that is not part of the value
		}
	}
	// the indentation and line breaks before the rune are not part of the value either
	for k < len(value) && i < len(s.src) {
		r, size := utf8.DecodeRune(s.src[i:])
		if r == value[k] || !isSpace(r) {
			break
		}
		i += size
	}
	if i > len(s.src) {
		i = len(s.src)
	}
	return s.position(i)
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// describe names the kind of a node for messages: "a mapping", "a list", "text", ...
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return fmt.Sprintf("the text %q", truncate(n.Value, 40))
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return n.Value
		case "!!null":
			return "nothing"
		}
		return fmt.Sprintf("a %s value", n.ShortTag())
	}
	return "a value"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
