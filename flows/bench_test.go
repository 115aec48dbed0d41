package flows_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/blocks"
	"github.com/switchboardhq/switchboard/flows"
)

// benchBlock is one kind of block in the generated flow: its YAML body (type and params, with
// {n} standing for the block's number) and its exits.
type benchBlock struct {
	body  string
	exits []string
}

var benchBlocks = []benchBlock{
	{`type: condition
    params: {when: 'contact.vip || vars.score > {n}'}`, []string{"true", "false"}},
	{`type: filter.keywords
    params:
      rules:
        - {exit: billing, any: [factura, invoice, reembolso, cobro]}
        - {exit: cancel, any: [cancelar, dar de baja, unsubscribe], none: [no quiero cancelar]}
      save_keyword: topic`, []string{"billing", "cancel", "nomatch"}},
	{`type: reply
    params:
      visibility: private
      text:
        - "Hola {{ contact.name }}, gracias por escribir a {{ vars.brand }} (caso {n})."
        - "¡Hola {{ interaction.author.name }}! Ya te respondemos."`, []string{"sent", "failed"}},
	{`type: switch
    params:
      cases:
        - {when: 'interaction.kind == "message" && !interaction.public', exit: private}
        - {when: 'vars.score >= {n} || has_any(interaction.text, "urgente", "reclamo")', exit: urgent}`, []string{"private", "urgent", "default"}},
	{`type: set
    params:
      vars: {score: 'vars.score + {n}', tier: 'contact.vip ? "gold" : "standard"'}`, []string{"next"}},
	{`type: route.skill
    params: {skill: billing, priority: 'contact.vip ? 10 : {n} % 5', timeout: 15m}`, []string{"done", "timeout", "overflow", "no_agents"}},
	{`type: calendar.hours
    params:
      timezone: America/Argentina/Buenos_Aires
      open: {mon-fri: ["09:00-13:00", "14:00-18:00"], sat: ["10:00-13:00"]}`, []string{"open", "closed"}},
	{`type: tag
    params: {tags: [case-{n}, "{{ vars.topic }}"]}`, []string{"next"}},
	{`type: sentiment
    params: {input: 'interaction.text + " " + vars.brand'}`, []string{"positive", "neutral", "negative"}},
	{`type: wait.reply
    params: {timeout: 1h, save_as: answer}`, []string{"replied", "timeout"}},
}

// generateFlow writes a valid flow of n blocks: a Facebook trigger, then a tree of the block
// kinds above in turn, breadth first, with the exits left over wired to one end block.
func generateFlow(n int) []byte {
	var b strings.Builder
	b.WriteString("switchboard: 1\nid: generated\nname: Generated flow\nvars:\n  brand: Acme\n  score: 0\n  tier: standard\n  topic: none\nblocks:\n")
	b.WriteString("  fb:\n    type: facebook.trigger\n")
	type slot struct{ from, exit string }
	var pending []slot
	wires := map[string][]string{}
	for _, e := range []string{"post", "comment", "message"} {
		pending = append(pending, slot{"fb", e})
	}
	var order []string
	bodies := map[string]string{}
	for count := 1; count < n-1 && len(pending) > 0; count++ {
		s := pending[0]
		pending = pending[1:]
		kind := benchBlocks[count%len(benchBlocks)]
		id := fmt.Sprintf("b%d", count)
		order = append(order, id)
		bodies[id] = strings.ReplaceAll(kind.body, "{n}", strconv.Itoa(count))
		wires[s.from] = append(wires[s.from], s.exit+": "+id)
		for _, e := range kind.exits {
			pending = append(pending, slot{id, e})
		}
	}
	for _, s := range pending {
		wires[s.from] = append(wires[s.from], s.exit+": end")
	}
	fmt.Fprintf(&b, "    next: {%s}\n", strings.Join(wires["fb"], ", "))
	for _, id := range order {
		fmt.Fprintf(&b, "  %s:\n    %s\n    next: {%s}\n", id, bodies[id], strings.Join(wires[id], ", "))
	}
	b.WriteString("  end:\n    type: end\n")
	return []byte(b.String())
}

func TestGeneratedFlowIsValid(t *testing.T) {
	t.Parallel()
	src := generateFlow(1000)
	reg := blocks.NewRegistry()
	require.Empty(t, flows.Validate("generated.yaml", src, reg))
	f, _ := flows.Load("generated.yaml", src, reg)
	require.Len(t, f.Nodes, 1000)
	types := map[string]bool{}
	for _, n := range f.Nodes {
		types[n.Type] = true
	}
	require.Len(t, types, len(benchBlocks)+2, "every kind of block, the trigger and the end")
}

// BenchmarkLoad1000Blocks measures parsing, checking and compiling a 1000-block flow, as
// happens when a flow version is published or a server starts.
func BenchmarkLoad1000Blocks(b *testing.B) {
	reg := blocks.NewRegistry()
	for _, lang := range []string{"yaml", "json"} {
		src := generateFlow(1000)
		if lang == "json" {
			src = yamlToJSON(b, src)
		}
		file := "generated." + lang
		f, ds := flows.Load(file, src, reg)
		require.Empty(b, ds)
		require.Len(b, f.Nodes, 1000)
		b.Run(lang, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if f, _ := flows.Load(file, src, reg); f == nil {
					b.Fatal("the flow did not load")
				}
			}
		})
	}
}
