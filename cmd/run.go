package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/sim"
)

func runCommand(env Env) *cobra.Command {
	var interaction, at, contact, agents, format, defaultSkill, language, defaultLanguage string
	var emergency []string
	var seed uint64
	var budget budgetFlags
	c := &cobra.Command{
		Use:   "run FLOW --interaction FILE|- [--at RFC3339] [--contact FILE] [--language LANG] [--agents FILE] [--emergency NAME=on|off] [--seed N] [--format text|json]",
		Short: "Run one interaction through a flow and print the trace",
		Long: `Run sends one interaction through a flow, in memory, and prints what happened: the blocks it went
through, the exit each took, the actions (replies, likes, routing, tags, closes), the variables,
and whether the session ended, waits or failed.

The interaction is JSON:
  {"channel": "facebook", "kind": "comment", "public": true, "text": "…",
   "author": {"id": "…", "name": "…", "handle": "…"}, "time": "RFC3339", "thread": "…", "id": "…"}
Missing fields get defaults: the channel and kind of the flow's first trigger, public for posts,
comments and mentions, the time from --at (or now).

--agents is a JSON list: [{"id": "a1", "name": "…", "skills": {"billing": 12}, "state": "available", "capacity": 3}].
With no agents, route.skill finds nobody logged in. --contact is the known contact as JSON
({"name": "…", "vip": true, "last_agent": "a1", "attributes": {…}}). Subflows are looked up by id
among the flow files beside FLOW.

--language is the contact's language (es, it, fr...): the flow's translation into it is used.
Without it the language comes from the contact, the interaction's "locale", the words of the
interaction when they are clearly of one of the flow's languages, --default-language (the
channel's default), and last the flow's own language.

The run has the budgets of serve: --memory-budget, --operation-budget and --run-deadline.

Exit status: 0 when the session ends or waits, 1 when it fails or the flow has errors, 2 for
usage and I/O errors.`,
		Example: `  echo '{"channel":"facebook","kind":"comment","text":"quiero la factura"}' |
    switchboard run examples/flows/facebook-care.yaml --interaction - --at 2026-11-17T10:00:00-03:00`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError("unknown format %q: use text or json", format)
			}
			flow, err := loadForRun(env, args[0])
			if err != nil {
				return err
			}
			limits, err := budget.limits()
			if err != nil {
				return err
			}
			sc := sim.Scenario{Seed: seed, Emergency: map[string]bool{}, DefaultSkill: defaultSkill, Limits: limits}
			if interaction == "" {
				return usageError("give the interaction with --interaction FILE, or - for standard input")
			}
			data, err := readInput(env, interaction)
			if err != nil {
				return err
			}
			if sc.Interaction, err = sim.DecodeInteraction(data); err != nil {
				return usageError("%s: %v", interaction, err)
			}
			if at != "" {
				if sc.At, err = time.Parse(time.RFC3339, at); err != nil {
					return usageError("--at %q: write a time such as 2026-11-17T10:00:00-03:00", at)
				}
			} else if sc.Interaction.Time.IsZero() {
				sc.At = time.Now()
			}
			if contact != "" {
				sc.Contact = new(engine.Contact)
				if err := readJSON(env, contact, sc.Contact); err != nil {
					return err
				}
			}
			if language != "" {
				if engine.LanguageOf(language) == "" {
					return usageError("--language %q: write a language code such as es, it or fr", language)
				}
				if sc.Contact == nil {
					sc.Contact = &engine.Contact{Name: sc.Interaction.Author.Name, Handle: sc.Interaction.Author.Handle}
				}
				sc.Contact.Language = language
			}
			sc.DefaultLanguage = defaultLanguage
			if agents != "" {
				if err := readJSON(env, agents, &sc.Agents); err != nil {
					return err
				}
			}
			for _, e := range emergency {
				name, state, ok := strings.Cut(e, "=")
				if !ok || (state != "on" && state != "off") {
					return usageError("--emergency %q: write NAME=on or NAME=off", e)
				}
				sc.Emergency[name] = state == "on"
			}
			loader := &engine.MemoryFlows{Load: flows.DirLoader(filepath.Dir(args[0]), env.Registry)}
			out, err := sim.Run(cmd.Context(), flow, sc, loader)
			if err != nil {
				return usageError("%v", err)
			}
			if format == "json" {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				if err := enc.Encode(out); err != nil {
					return usageError("%v", err)
				}
			} else {
				writeTrace(env.Stdout, flow, out)
			}
			if out.Status == engine.StatusFailed {
				return problems
			}
			return nil
		},
	}
	c.Flags().StringVarP(&interaction, "interaction", "i", "", "the interaction as a JSON file, or - for standard input")
	c.Flags().StringVar(&at, "at", "", "the clock's time, RFC 3339 (default: the interaction's time, or now)")
	c.Flags().StringVar(&contact, "contact", "", "the known contact as a JSON file")
	c.Flags().StringVar(&language, "language", "", "the contact's language, such as es, it or fr")
	c.Flags().StringVar(&defaultLanguage, "default-language", "", "the channel's default language, for a contact whose language is not known")
	c.Flags().StringVar(&agents, "agents", "", "the agents logged in, as a JSON file")
	c.Flags().StringArrayVar(&emergency, "emergency", nil, "an emergency switch, NAME=on or NAME=off (repeatable)")
	c.Flags().StringVar(&defaultSkill, "default-skill", "", "the channel's default skill, for route.skill blocks that name none")
	c.Flags().Uint64Var(&seed, "seed", 1, "the seed of random choices (reply variants)")
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	addBudgetFlags(c, &budget)
	return c
}

// loadForRun loads a flow file, printing its diagnostics when it has errors.
func loadForRun(env Env, path string) (*engine.Flow, error) {
	flow, diags, err := flows.LoadFile(path, env.Registry)
	if err != nil {
		return nil, usageError("%v", err)
	}
	if flow == nil {
		_ = diags.WriteText(env.Stderr)
		return nil, &exitError{code: ExitProblems, err: fmt.Errorf("%s has errors", path)}
	}
	return flow, nil
}

func readInput(env Env, name string) ([]byte, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(env.Stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, usageError("%v", err)
	}
	return data, nil
}

func readJSON(env Env, name string, v any) error {
	data, err := readInput(env, name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return usageError("%s: %v", name, err)
	}
	return nil
}

// writeTrace prints a session's steps as a readable trace.
func writeTrace(w io.Writer, flow *engine.Flow, o *sim.Outcome) {
	first := o.Interaction
	fmt.Fprintf(w, "%s: %s %s from %s", flow.Info.ID, first.Channel, first.Kind, authorText(first.Author))
	if first.Text != "" {
		fmt.Fprintf(w, ": %q", first.Text)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	var callers []string // the flows that called the running subflow, innermost last
	for i, st := range o.Steps {
		// A step followed by one in another flow calls a subflow, unless that flow is its caller.
		calls := ""
		if i+1 < len(o.Steps) && o.Steps[i+1].Flow != st.Flow {
			if next := o.Steps[i+1].Flow; len(callers) > 0 && next == callers[len(callers)-1] {
				callers = callers[:len(callers)-1]
			} else {
				callers, calls = append(callers, st.Flow), next
			}
		}
		what := "→ " + st.Exit
		switch {
		case st.Error != "" && st.Exit == "":
			what = "✗ " + st.Error
		case st.Error != "":
			what = fmt.Sprintf("→ %s (%s)", st.Exit, st.Error)
		case st.Wait != nil:
			what = "waits for " + string(st.Wait.Kind)
			if !st.Wait.Deadline.IsZero() {
				what += " until " + st.Wait.Deadline.Format(time.RFC3339)
			}
		case st.Exit == "" && calls != "":
			what = "calls " + calls
		case st.Exit == "":
			what = "■ ends"
		}
		if st.Event != "" {
			what = "(" + string(st.Event) + ") " + what
		}
		block := st.Block
		if st.Flow != "" {
			block = st.Flow + "/" + block
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", st.At.Format("15:04:05"), block, st.Type, what)
		for _, v := range st.Vars {
			fmt.Fprintf(tw, "  \t\t\t  set %s = %s\n", v.Name, jsonText(v.Value))
		}
		for _, a := range st.Actions {
			fmt.Fprintf(tw, "  \t\t\t  %s\n", actionText(a))
		}
	}
	_ = tw.Flush()
	status := string(o.Status)
	if o.Waiting != nil {
		status += " for " + string(o.Waiting.Kind)
	}
	if o.Error != nil {
		status += ": " + *o.Error
	}
	fmt.Fprintf(w, "status: %s\n", status)
	if len(o.Vars) > 0 {
		fmt.Fprintf(w, "vars: %s\n", jsonText(o.Vars))
	}
}

func authorText(a engine.Author) string {
	switch {
	case a.Name != "" && a.Handle != "":
		return fmt.Sprintf("%s (@%s, %s)", a.Name, a.Handle, a.ID)
	case a.Name != "":
		return fmt.Sprintf("%s (%s)", a.Name, a.ID)
	}
	return a.ID
}

func actionText(a *engine.Action) string {
	switch a.Type {
	case engine.ActionReply:
		return fmt.Sprintf("reply %s: %q", a.Visibility, a.Text)
	case engine.ActionRoute:
		s := "route " + a.Skill + " priority " + strconv.Itoa(a.Priority) + ": " + a.Outcome
		if a.Agent != "" {
			s += " → " + a.Agent
		}
		return s
	case engine.ActionTag:
		s := "tag " + strings.Join(a.Tags, ", ")
		if a.Important {
			s += " (important)"
		}
		return s
	case engine.ActionClose:
		return "close: " + a.Disposition
	case engine.ActionHTTP:
		return fmt.Sprintf("http %s %s → %d", a.Method, a.URL, a.Status)
	}
	return string(a.Type) + " " + a.Target
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
