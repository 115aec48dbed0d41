package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/store"
)

// EnsureAdminToken creates an admin token when the database has no token at all, and returns
// its secret (shown once); it returns "" when tokens exist.
func EnsureAdminToken(ctx context.Context, st store.Store) (string, error) {
	n, err := st.TokenCount(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	secret, hash := NewToken()
	if _, err := st.TokenCreate(ctx, store.Token{Name: "first admin", Role: store.RoleAdmin, Hash: hash}, "switchboard serve"); err != nil {
		return "", err
	}
	return secret, nil
}

// LoadFlows publishes the flow files of a directory (not its *.test.yaml files) when the
// database holds no flow yet: a first start has flows to run. It returns the ids it loaded.
// A file with errors is skipped, and named in the error.
func LoadFlows(ctx context.Context, st store.Store, reg *engine.Registry, dir, by string) ([]string, error) {
	existing, err := st.FlowList(ctx)
	if err != nil || len(existing) > 0 {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var loaded []string
	var problems []error
	for _, e := range entries {
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if e.IsDir() || strings.Contains(name, ".test.") || !slices.Contains([]string{".yaml", ".yml", ".json"}, ext) {
			continue
		}
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		f, diags := flows.Load(path, src, reg)
		if f == nil {
			diags.Sort()
			problems = append(problems, fmt.Errorf("%s has errors, first: %s", path, diags[0]))
			continue
		}
		doc, _ := flows.Parse(path, src)
		format := "yaml"
		if doc.JSON {
			format = "json"
		}
		draft := store.Flow{ID: doc.ID, Name: firstNonEmpty(doc.Name, doc.ID), Description: doc.Description, Source: string(src), Format: format}
		if _, err := st.FlowCreate(ctx, draft, by); err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", path, err))
			continue
		}
		if _, err := st.FlowPublish(ctx, store.FlowPublishParams{ID: doc.ID, Source: string(src), Format: format, Author: by,
			Message: "loaded from " + path, Name: draft.Name, Description: doc.Description}); err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", path, err))
			continue
		}
		loaded = append(loaded, doc.ID)
	}
	return loaded, errors.Join(problems...)
}

// demoWebchatFlow is the example flow the demo web chat runs.
const demoWebchatFlow = "auto-close"

// EnsureDemoWebchat creates the web chat channel the demo page (/demo/webchat) talks to, with
// the general skill its flow routes to, when the example flow auto-close is published and the
// channel does not exist. It returns whether it created the channel.
func EnsureDemoWebchat(ctx context.Context, st store.Store, by string) (bool, error) {
	if _, err := st.ChannelGet(ctx, DemoWebchatChannel); err == nil || !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	if _, err := st.FlowVersionGet(ctx, demoWebchatFlow, 0); errors.Is(err, store.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if _, err := st.SkillGet(ctx, "general"); errors.Is(err, store.ErrNotFound) {
		if _, err := st.SkillPut(ctx, store.Skill{Name: "general", Description: "Everything else"}, by); err != nil {
			return false, err
		}
	} else if err != nil {
		return false, err
	}
	_, err := st.ChannelCreate(ctx, store.Channel{ID: DemoWebchatChannel, Type: store.ChannelWebchat, Name: "Web chat demo",
		DefaultFlow: demoWebchatFlow, DefaultSkill: "general", Enabled: true,
		Settings: map[string]any{"title": "Acme", "greeting": "¡Hola! Escribinos y te respondemos."}}, by)
	if err != nil {
		return false, err
	}
	return true, nil
}
