package flows

import (
	"fmt"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// source is one flow file's text, with what it takes to turn positions into offsets and back.
type source struct {
	file       string
	src        []byte
	json       bool
	lineStarts []int // byte offset where each line starts
}

func newSource(file string, src []byte, isJSON bool) *source {
	s := &source{file: file, src: src, json: isJSON, lineStarts: []int{0}}
	for i, c := range src {
		if c == '\n' {
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	return s
}

// offset returns the byte offset of a 1-based line and rune column.
func (s *source) offset(line, col int) int {
	if line < 1 || line > len(s.lineStarts) {
		return len(s.src)
	}
	i := s.lineStarts[line-1]
	for ; col > 1 && i < len(s.src) && s.src[i] != '\n'; col-- {
		_, size := utf8.DecodeRune(s.src[i:])
		i += size
	}
	return i
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
	return lo + 1, utf8.RuneCount(s.src[start:off]) + 1
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
		for i < len(s.src) && s.src[i] != '\n' {
			i++
		}
		i++
	}
	value := []rune(n.Value)
	for k := 0; k < offset && k < len(value) && i < len(s.src); {
		r, size := utf8.DecodeRune(s.src[i:])
		v := value[k]
		switch {
		case double && r == '\\' && i+1 < len(s.src):
			switch s.src[i+1] {
			case '\n':
				i += 2 // an escaped line break joins lines: no value rune
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
