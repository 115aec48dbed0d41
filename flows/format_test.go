package flows_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

// Hand-written inputs for Format, each with its canonical form.
var formatCases = []struct {
	name, file, in, want string
}{
	{
		name: "key order and comments",
		file: "messy.yaml",
		in: `# Header comment: what this flow is for.
# Second line of the header.
blocks:
  # the entry
  chat:
    next: {message: hi} # straight to the greeting
    type: webchat.trigger
  hi:
    next:
      failed: done
      sent: done
    params:
      text: Hola
      visibility: private
    type: reply
    ui: {x: 1, y: 2}
  done:
    type: end
    # nothing after the end
name: Messy
id: messy
switchboard: 1
# a foot comment at the end of the file
`,
		want: `# Header comment: what this flow is for.
# Second line of the header.
switchboard: 1
id: messy
name: Messy
blocks:
  # the entry
  chat:
    type: webchat.trigger
    next: {message: hi} # straight to the greeting
  hi:
    type: reply
    params:
      visibility: private
      text: Hola
    next:
      sent: done
      failed: done
    ui: {x: 1, "y": 2}
  done:
    type: end
    # nothing after the end

# a foot comment at the end of the file
`,
	},
	{
		name: "header apart from the first key, foot comment of a block",
		file: "apart.yaml",
		in: `# A header separated by a blank line belongs to the document.

id: apart # the id
switchboard: 1
blocks:
  chat:
    next: {message: done}
    type: webchat.trigger
    # below chat's last key
  done: {type: end}
`,
		want: `# A header separated by a blank line belongs to the document.

switchboard: 1
id: apart # the id
blocks:
  chat:
    type: webchat.trigger
    next: {message: done}
    # below chat's last key
  done: {type: end}
`,
	},
	{
		name: "parameters by spec, derived exits, unknown keys last",
		file: "order.yaml",
		in: `switchboard: 1
id: order
blocks:
  chat:
    next: {message: topic}
    type: webchat.trigger
  topic:
    next: {nomatch: done, cancel: done, billing: done}
    params:
      save_keyword: keyword
      rules:
        - {any: [factura, invoice], exit: billing}
        - none: [no quiero cancelar]
          exit: cancel
          any: [cancelar]
      match: word
    type: filter.keywords
    colour: red
    ui: {y: 2, x: 1}
  done: {type: end}
`,
		want: `switchboard: 1
id: order
blocks:
  chat:
    type: webchat.trigger
    next: {message: topic}
  topic:
    type: filter.keywords
    params:
      rules:
        - {exit: billing, any: [factura, invoice]}
        - exit: cancel
          any: [cancelar]
          none: [no quiero cancelar]
      match: word
      save_keyword: keyword
    next: {billing: done, cancel: done, nomatch: done}
    ui: {"y": 2, x: 1}
    colour: red
  done: {type: end}
`,
	},
	{
		name: "indentation is two spaces, scalars keep their style",
		file: "indent.yaml",
		in: `switchboard: 1
id: indent
blocks:
    chat:
        type: webchat.trigger
        next:
            message: hi
    hi:
        type: reply
        params:
            text:
                - 'single ''quoted'''
                - "double \"quoted\""
                - |
                    literal
                    block
        next: {sent: hi-end, failed: hi-end}
    hi-end:
        type: end
`,
		want: `switchboard: 1
id: indent
blocks:
  chat:
    type: webchat.trigger
    next:
      message: hi
  hi:
    type: reply
    params:
      text:
        - 'single ''quoted'''
        - "double \"quoted\""
        - |
          literal
          block
    next: {sent: hi-end, failed: hi-end}
  hi-end:
    type: end
`,
	},
	{
		name: "anchors stay before their aliases, merge keys stay first and plain",
		file: "anchors.yaml",
		in: `ui:
  shared:
    reply: &reply {visibility: private, text: "Hola"}
    wires: &wires {sent: done, failed: done}
blocks:
  chat:
    next: {message: first}
    type: webchat.trigger
  first:
    next:
      sent: second
      <<: *wires
    params: *reply
    type: reply
  second:
    params:
      visibility: public
      <<: *reply
    type: reply
    next: {failed: done, <<: *wires}
  done: {type: end}
id: anchors
switchboard: 1
`,
		want: `switchboard: 1
id: anchors
ui:
  shared:
    reply: &reply {visibility: private, text: "Hola"}
    wires: &wires {sent: done, failed: done}
blocks:
  chat:
    type: webchat.trigger
    next: {message: first}
  first:
    type: reply
    params: *reply
    next:
      <<: *wires
      sent: second
  second:
    type: reply
    params:
      <<: *reply
      visibility: public
    next: {<<: *wires, failed: done}
  done: {type: end}
`,
	},
	{
		name: "an empty value in a flow mapping stays null, emoji stay themselves",
		file: "nulls.yaml",
		in: `switchboard: 1
id: nulls
vars: {empty: , tilde: ~, text: '', list: [~, null]}
blocks:
  chat:
    type: webchat.trigger
    next: {message: hi}
  hi:
    type: reply
    params: {text: "¡Gracias! 💙"}
    next: {sent: done, failed: done}
  done: {type: end, ui: {note: }}
`,
		want: `switchboard: 1
id: nulls
vars: {empty: null, tilde: ~, text: '', list: [~, null]}
blocks:
  chat:
    type: webchat.trigger
    next: {message: hi}
  hi:
    type: reply
    params: {text: "¡Gracias! 💙"}
    next: {sent: done, failed: done}
  done: {type: end, ui: {note: null}}
`,
	},
	{
		name: "what YAML 1.1 reads as booleans, numbers or dates is quoted, keys and values",
		file: "yaml11.yaml",
		in: `switchboard: 1
id: yaml11
vars: {answer: yes, short: n, at: 12:30, day: 2026-12-25, octal: 017, real: true, count: 3, none: null}
blocks:
  chat:
    type: webchat.trigger
    next: {message: vip}
  vip:
    type: condition
    params: {when: contact.vip}
    next: {true: outage, false: done}
  outage:
    type: emergency
    params: {switch: outage}
    next: {on: done, off: done}
  done: {type: end, ui: {x: 1, y: 2, 'n': 3, "yes": 4}}
`,
		want: `switchboard: 1
id: yaml11
vars: {answer: "yes", short: "n", at: "12:30", day: "2026-12-25", octal: 017, real: true, count: 3, none: null}
blocks:
  chat:
    type: webchat.trigger
    next: {message: vip}
  vip:
    type: condition
    params: {when: contact.vip}
    next: {"true": outage, "false": done}
  outage:
    type: emergency
    params: {switch: outage}
    next: {"on": done, "off": done}
  done: {type: end, ui: {x: 1, "y": 2, 'n': 3, "yes": 4}}
`,
	},
	{
		name: "a block scalar that starts with a blank line keeps it",
		file: "blank.yaml",
		in: `switchboard: 1
id: blank
blocks:
  chat:
    type: webchat.trigger
    next: {message: hi}
  hi:
    type: reply
    params:
      text: |

        Hola
    next: {sent: done, failed: done}
  done: {type: end}
`,
		want: `switchboard: 1
id: blank
blocks:
  chat:
    type: webchat.trigger
    next: {message: hi}
  hi:
    type: reply
    params:
      text: "\nHola\n"
    next: {sent: done, failed: done}
  done: {type: end}
`,
	},
	{
		name: "JSON stays JSON, numbers and unicode kept",
		file: "flow.json",
		in: `{"blocks": {"chat": {"next": {"message": "hi"}, "type": "webchat.trigger"},
 "hi": {"next": {"failed": "done", "sent": "done"}, "params": {"text": "\u00a1Hola 🌎! \"quoted\" <b> \\ \t", "visibility": "private"}, "type": "reply"},
 "mood": {"type": "sentiment", "params": {"positive": 0.50, "negative": -1e-1}, "next": {"positive": "done", "neutral": "done", "negative": "done"}},
 "done": {"type": "end"}}, "id": "json", "switchboard": 1, "ui": {"zoom": 1.0, "big": 12345678901234567890, "flag": true, "none": null, "list": [], "map": {}}}
`,
		want: `{
  "switchboard": 1,
  "id": "json",
  "blocks": {
    "chat": {
      "type": "webchat.trigger",
      "next": {
        "message": "hi"
      }
    },
    "hi": {
      "type": "reply",
      "params": {
        "visibility": "private",
        "text": "¡Hola 🌎! \"quoted\" <b> \\ \t"
      },
      "next": {
        "sent": "done",
        "failed": "done"
      }
    },
    "mood": {
      "type": "sentiment",
      "params": {
        "positive": 0.50,
        "negative": -1e-1
      },
      "next": {
        "positive": "done",
        "neutral": "done",
        "negative": "done"
      }
    },
    "done": {
      "type": "end"
    }
  },
  "ui": {
    "zoom": 1.0,
    "big": 12345678901234567890,
    "flag": true,
    "none": null,
    "list": [],
    "map": {}
  }
}
`,
	},
}

func TestFormat(t *testing.T) {
	reg := blocks.NewRegistry()
	for _, tt := range formatCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ds := flows.Format(tt.file, []byte(tt.in), reg)
			require.Empty(t, ds)
			require.Equal(t, tt.want, string(got))
		})
	}
}

// formatInputs are every input Format should be idempotent on: the examples, the hand-written
// cases, and the invalid files that still parse.
func formatInputs(t *testing.T) map[string][]byte {
	inputs := exampleFlows(t)
	for _, tt := range formatCases {
		inputs[tt.file] = []byte(tt.in)
	}
	inputs["anchors.yaml"] = []byte(anchoredFlow)
	inputs["vars.yaml"] = []byte(varsFlow)
	for path, src := range invalidInputs(t) {
		if len(src) < 64<<10 { // not the generated giants
			inputs[path] = src
		}
	}
	return inputs
}

func TestFormatIsIdempotent(t *testing.T) {
	reg := blocks.NewRegistry()
	for path, src := range sorted(formatInputs(t)) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			once, ds := flows.Format(path, src, reg)
			if once == nil {
				require.True(t, ds.HasErrors(), "no output comes with the reason")
				return
			}
			twice, ds := flows.Format(path, once, reg)
			require.Empty(t, ds)
			require.Equal(t, string(once), string(twice), "formatting the formatted file changes it")
			require.Equal(t, flows.IsJSON(path), isJSONText(once), "Format keeps the file's language")
		})
	}
}

// TestFormatKeepsMeaning loads every valid input before and after formatting.
func TestFormatKeepsMeaning(t *testing.T) {
	reg := blocks.NewRegistry()
	for path, src := range sorted(formatInputs(t)) {
		before, ds := flows.Load(path, src, reg)
		if before == nil || len(ds) > 0 {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			formatted, ds := flows.Format(path, src, reg)
			require.Empty(t, ds)
			after, ds := flows.Load(path, formatted, reg)
			require.Empty(t, ds, "the formatted file:\n%s", formatted)
			require.Equal(t, summarize(t, before), summarize(t, after))
		})
	}
}

func TestExamplesAreFormatted(t *testing.T) {
	reg := blocks.NewRegistry()
	for path, src := range sorted(exampleFlows(t)) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			got, ds := flows.Format(path, src, reg)
			require.Empty(t, ds)
			require.Equal(t, string(src), string(got), "run switchboard fmt -w %s", path)
		})
	}
}

func TestFormatUnparsable(t *testing.T) {
	t.Parallel()
	got, ds := flows.Format("bad.yaml", []byte("switchboard: 1\nid: [\n"), blocks.NewRegistry())
	require.Nil(t, got)
	require.True(t, ds.HasErrors())
	require.Equal(t, flows.CodeSyntax, ds[0].Code)
}

func isJSONText(b []byte) bool { return len(b) > 0 && b[0] == '{' }

func TestContentJSON(t *testing.T) {
	src := `# a comment
switchboard: 1
name: Order kept
id: order
defaults: &d {text: "Hola", 2fa: true}
blocks:
  zeta:
    type: reply
    params:
      <<: *d
      text: "Adiós <b>"
      count: 0x1F
      ratio: 1.50
      none: ~
    next: {sent: alpha}
  alpha:
    type: end
`
	require.JSONEq(t, `{"switchboard":1,"name":"Order kept","id":"order","defaults":{"text":"Hola","2fa":true},"blocks":{"zeta":{"type":"reply","params":{"text":"Adiós <b>","count":"0x1F","ratio":1.50,"none":null,"2fa":true},"next":{"sent":"alpha"}},"alpha":{"type":"end"}}}`,
		string(flows.ContentJSON("order.yaml", []byte(src))))
	// keys in the order written, blocks too, merged keys after the mapping's own; no spaces
	require.Equal(t, `{"switchboard":1,"name":"Order kept","id":"order","defaults":{"text":"Hola","2fa":true},"blocks":{"zeta":{"type":"reply","params":{"text":"Adiós <b>","count":"0x1F","ratio":1.50,"none":null,"2fa":true},"next":{"sent":"alpha"}},"alpha":{"type":"end"}}}`,
		string(flows.ContentJSON("order.yaml", []byte(src))))
	require.Equal(t, `{"switchboard":1,"id":"j","blocks":{}}`, string(flows.ContentJSON("j.json", []byte(`{"switchboard": 1, "id": "j", "blocks": {}}`))))
	// what cannot be read has no content
	require.Nil(t, flows.ContentJSON("broken.yaml", []byte("blocks: {a: [\n")))
	require.Nil(t, flows.ContentJSON("empty.yaml", nil))
	require.Nil(t, flows.ContentJSON("trailing.json", []byte(`{"id": "x",}`)))
}
