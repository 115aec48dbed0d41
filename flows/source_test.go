package flows

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// naiveOffset and naivePosition walk from the start of the line, as the rune marks must agree.
func naiveOffset(s *source, line, col int) int {
	if line < 1 || line > len(s.lineStarts) {
		return len(s.src)
	}
	i := s.lineStarts[line-1]
	for ; col > 1 && i < len(s.src) && !atBreak(s.src[i:]); col-- {
		_, size := utf8.DecodeRune(s.src[i:])
		i += size
	}
	return i
}

func atBreak(b []byte) bool {
	for _, br := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
		if strings.HasPrefix(string(b), br) {
			return true
		}
	}
	return false
}

func naivePosition(s *source, off int) (line, col int) {
	line = 1
	for i, start := range s.lineStarts {
		if start <= off {
			line = i + 1
		}
	}
	start := s.lineStarts[line-1]
	off = min(off, len(s.src))
	return line, utf8.RuneCount(s.src[start:off]) + 1
}

func checkSourcePositions(t *testing.T, text []byte) {
	s := newSource("f.yaml", text, false)
	for off := 0; off <= len(text)+1; off++ {
		line, col := s.position(off)
		wantLine, wantCol := naivePosition(s, off)
		require.Equal(t, [2]int{wantLine, wantCol}, [2]int{line, col}, "position(%d) of %q", off, text)
	}
	for line := 0; line <= len(s.lineStarts)+1; line++ {
		for col := 0; col <= len(text)+2; col++ {
			require.Equal(t, naiveOffset(s, line, col), s.offset(line, col), "offset(%d, %d) of %q", line, col, text)
		}
	}
}

func TestSourcePositions(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ab¿é日🙂\xff ", 30) // a line much longer than runeMark runes
	for _, text := range []string{"", "a", "\n", "a\nb", "ñandú\n¿qué?\n", "🙂🙂\n\n🙂", "x\xe2\x82y\n\xffz", long, long + "\n" + long + "\n",
		"a\r\nb\rc\u0085d\u2028e\u2029f\n", "\r", "\r\n\r\n", "\xc2\n\xe2\x80\n"} {
		checkSourcePositions(t, []byte(text))
	}
	// the lines are YAML's, which number the lines of the nodes
	s := newSource("f.yaml", []byte("a\r\nb\rc\u0085d\u2028e\u2029f\ng"), false)
	require.Equal(t, []int{0, 3, 5, 8, 12, 16, 18}, s.lineStarts)
	require.Equal(t, 4, s.offset(2, 2), "a column past the end of a line stops at its break")
}

func FuzzSourcePositions(f *testing.F) {
	f.Add([]byte("ñandú\n¿qué?\n"))
	f.Add([]byte("x\xe2\x82y\n\xffz"))
	f.Fuzz(func(t *testing.T, text []byte) {
		if len(text) > 300 {
			return
		}
		checkSourcePositions(t, text)
	})
}

// TestValuePosition places a rune of a scalar's value on its character in the file, whatever
// the scalar's style, escapes and line breaks.
func TestValuePosition(t *testing.T) {
	t.Parallel()
	docs := []string{
		"k: plain MARK here\n",
		"k: 'it''s ''MARK'''\n",
		`k: "\u00bfqu\u00e9? \"\t\x41 MARK"` + "\n",
		"k: \"folded\n  over lines MARK\"\n",
		"k: \"escaped \\\n  break MARK\"\n",
		"k: \"escaped \\\r\n  crlf MARK\"\r\n",
		"k: |\n  first\n    indented MARK\n",
		"k: |\n  first\n  MARK\n",
		"k: |\n\n\n  MARK\n",
		"k: >\n  folded\n  text\n\n  MARK\n",
		"k: |-\r\n  crlf\r\n    MARK\r\n",
		"k: |\r  cr\r    MARK\r",
		"k: !!str tagged MARK\n",
		"k: [a, \"¿b? MARK\"]\n",
		"{\"k\": \"\\u00a1json\\u0021 \\\"MARK\\\"\"}",
		"k:\n  - |\n    nested\n     MARK\n",
	}
	for _, doc := range docs {
		var root yaml.Node
		require.NoError(t, yaml.Unmarshal([]byte(doc), &root), doc)
		n := root.Content[0].Content[1]
		if n.Kind == yaml.SequenceNode {
			n = n.Content[len(n.Content)-1]
		}
		s := newSource("f.yaml", []byte(doc), false)
		at := strings.Index(n.Value, "MARK")
		require.GreaterOrEqual(t, at, 0, "%q", n.Value)
		line, col := s.valuePosition(n, utf8.RuneCountInString(n.Value[:at]))
		off := s.offset(line, col)
		require.True(t, strings.HasPrefix(doc[off:], "MARK"), "%q: %d:%d is %q", doc, line, col, doc[off:])
	}
}

// FuzzValuePosition writes a text as a scalar in each YAML style and checks that every letter
// and digit of the value read back is placed on itself in the file.
func FuzzValuePosition(f *testing.F) {
	for _, s := range []string{"contact.nmae", "¿qué? {{ vars.x }}", "a\nb\n  c", "  lead\ttab", "x\r\ny", "日本\u2028語"} {
		f.Add(s, uint8(0))
	}
	styles := []yaml.Style{0, yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle, yaml.LiteralStyle, yaml.FoldedStyle}
	f.Fuzz(func(t *testing.T, text string, style uint8) {
		if !utf8.ValidString(text) || len(text) > 200 {
			return
		}
		out, err := yaml.Marshal(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "k"},
			{Kind: yaml.ScalarNode, Value: text, Style: styles[int(style)%len(styles)]},
		}})
		if err != nil {
			return
		}
		var root yaml.Node
		if yaml.Unmarshal(out, &root) != nil || len(root.Content) == 0 || len(root.Content[0].Content) < 2 {
			return
		}
		n := root.Content[0].Content[1]
		s := newSource("f.yaml", out, false)
		for k, r := range []rune(n.Value) {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				continue
			}
			line, col := s.valuePosition(n, k)
			off := s.offset(line, col)
			got, _ := utf8.DecodeRune(out[off:])
			if got == '\\' { // a letter yaml.v3 does not know as printable is written as an escape
				got = unescape(t, out[off:])
			}
			require.Equal(t, string(r), string(got), "rune %d of %q in\n%s", k, n.Value, out)
		}
	})
}

// unescape decodes the \xXX, \uXXXX or \UXXXXXXXX escape at the start of b.
func unescape(t *testing.T, b []byte) rune {
	t.Helper()
	digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[b[1]]
	require.NotZero(t, digits, "%q is not a hexadecimal escape", b)
	v, err := strconv.ParseUint(string(b[2:2+digits]), 16, 32)
	require.NoError(t, err)
	return rune(v)
}
