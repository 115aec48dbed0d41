package flows

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/switchboardhq/switchboard/engine"
)

// LoadFile reads and loads a flow file. An error means the file could not be read; problems in
// it are diagnostics, and the flow is nil when there is any error among them.
func LoadFile(path string, reg *engine.Registry) (*engine.Flow, Diagnostics, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	f, diags := Load(path, src, reg)
	return f, diags, nil
}

// DirLoader finds flows by id among the flow files of a directory (not its subdirectories),
// for subflows called by a flow that was read from a file.
func DirLoader(dir string, reg *engine.Registry) func(ctx context.Context, id string) (*engine.Flow, error) {
	return func(_ context.Context, id string) (*engine.Flow, error) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			name := e.Name()
			ext := strings.ToLower(filepath.Ext(name))
			if e.IsDir() || (ext != ".yaml" && ext != ".yml" && ext != ".json") || strings.Contains(name, ".test.") {
				continue
			}
			src, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return nil, err
			}
			doc, _ := Parse(name, src)
			if doc == nil || doc.ID != id {
				continue
			}
			f, diags := Load(filepath.Join(dir, name), src, reg)
			if f == nil {
				diags.Sort()
				return nil, fmt.Errorf("flow %s has errors; first: %s", id, diags[0])
			}
			return f, nil
		}
		return nil, fmt.Errorf("no flow file in %s has id %s: %w", dir, id, engine.ErrNotFound)
	}
}
