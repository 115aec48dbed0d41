package flows_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

// quotedExits is a flow whose condition and emergency exits are written quoted, as fmt writes
// them; unquotedExits below is the same flow as people used to write it.
const quotedExits = `switchboard: 1
id: exits
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
  done: {type: end, ui: {x: 1, "y": 2}}
`

func TestQuotedAndPlainExitsLoadTheSameFlow(t *testing.T) {
	t.Parallel()
	reg := blocks.NewRegistry()
	unquoted := strings.NewReplacer(`"true"`, "true", `"false"`, "false", `"on"`, "on", `"off"`, "off", `"y"`, "y").Replace(quotedExits)
	require.NotEqual(t, quotedExits, unquoted)
	quoted, ds := flows.Load("quoted.yaml", []byte(quotedExits), reg)
	require.Empty(t, ds)
	plain, ds := flows.Load("plain.yaml", []byte(unquoted), reg)
	require.Empty(t, ds)
	require.Equal(t, summarize(t, quoted), summarize(t, plain))
	formatted, ds := flows.Format("plain.yaml", []byte(unquoted), reg)
	require.Empty(t, ds)
	require.Equal(t, quotedExits, string(formatted), "fmt quotes what YAML 1.1 reads as booleans")
}
