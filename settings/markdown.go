package settings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// Markdown writes a table of a spec's settings: name, channel types, what it takes, default
// and meaning. docs/channels.md holds the table of Channel between markers a test keeps true.
func Markdown(spec []Setting) []byte {
	var b bytes.Buffer
	withChannels := false
	for i := range spec {
		withChannels = withChannels || len(spec[i].Channels) > 0
	}
	if withChannels {
		b.WriteString("| setting | channels | takes | default | meaning |\n|---|---|---|---|---|\n")
	} else {
		b.WriteString("| setting | takes | default | meaning |\n|---|---|---|---|\n")
	}
	for i := range spec {
		s := &spec[i]
		fmt.Fprintf(&b, "| `%s` |", s.Name)
		if withChannels {
			channels := "all"
			if len(s.Channels) > 0 {
				channels = strings.Join(s.Channels, ", ")
			}
			fmt.Fprintf(&b, " %s |", channels)
		}
		takes := takesText(s)
		if s.Refers != "" {
			takes += "; the name of a " + s.Refers + " that exists"
		}
		def := "—"
		if s.Default != nil {
			v, _ := json.Marshal(s.Default)
			def = "`" + string(v) + "`"
		}
		fmt.Fprintf(&b, " %s | %s | %s |\n", takes, def, strings.ReplaceAll(s.Description, "|", "\\|"))
	}
	return b.Bytes()
}

// takesText says what a setting takes, for the docs.
func takesText(s *Setting) string {
	p := &s.Param
	switch p.Kind {
	case engine.KindList:
		t := "a list of " + kindText(p.Elem)
		if p.Max != nil {
			t = fmt.Sprintf("up to %d of %s", int(*p.Max), strings.TrimPrefix(kindText(p.Elem), "one of "))
		}
		for _, g := range s.Exclusive {
			t += ", not both " + strings.Join(g, " and ")
		}
		return t
	case engine.KindDuration:
		t := "a duration (`45s`, `2m`) or a number of seconds"
		if p.Min != nil && p.Max != nil {
			t += fmt.Sprintf(", from %s to %s", time.Duration(*p.Min*float64(time.Second)), time.Duration(*p.Max*float64(time.Second)))
		}
		return t
	}
	return kindText(p)
}
