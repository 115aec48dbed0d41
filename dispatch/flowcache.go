package dispatch

import (
	"context"
	"fmt"
	"sync"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/store"
)

// FlowCache keeps compiled published versions: they are immutable, so each is compiled once.
// It is the runtime's FlowLoader for new sessions, subflows and resumed sessions, and the
// server's for simulations.
type FlowCache struct {
	store store.Store
	reg   *engine.Registry
	mu    sync.Mutex
	byKey map[versionKey]*engine.Flow
}

type versionKey struct {
	id      string
	version int
}

// NewFlowCache returns an empty cache of a store's published flows.
func NewFlowCache(s store.Store, reg *engine.Registry) *FlowCache {
	return &FlowCache{store: s, reg: reg, byKey: map[versionKey]*engine.Flow{}}
}

var _ engine.FlowLoader = (*FlowCache)(nil)

// LoadFlow returns a compiled published version; version 0 is the latest.
func (fc *FlowCache) LoadFlow(ctx context.Context, id string, version int) (*engine.Flow, error) {
	if version > 0 {
		fc.mu.Lock()
		f := fc.byKey[versionKey{id, version}]
		fc.mu.Unlock()
		if f != nil {
			return f, nil
		}
	}
	v, err := fc.store.FlowVersionGet(ctx, id, version)
	if err != nil {
		return nil, err
	}
	key := versionKey{id, v.Version}
	fc.mu.Lock()
	f := fc.byKey[key]
	fc.mu.Unlock()
	if f != nil {
		return f, nil
	}
	f, diags := flows.Load(SourceName(id, v.Format), []byte(v.Source), fc.reg)
	if f == nil {
		// a published version had no errors; a block type that a custom build no longer has can do this
		diags.Sort()
		return nil, fmt.Errorf("flow %s version %d does not load: %s", id, v.Version, diags[0])
	}
	f.Info.Version = v.Version
	fc.mu.Lock()
	fc.byKey[key] = f
	fc.mu.Unlock()
	return f, nil
}

// Forget drops the versions of a deleted flow.
func (fc *FlowCache) Forget(id string) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	for k := range fc.byKey {
		if k.id == id {
			delete(fc.byKey, k)
		}
	}
}

// SourceName is the file name the diagnostics of a stored flow name.
func SourceName(id, format string) string {
	if format == "json" {
		return id + ".json"
	}
	return id + ".yaml"
}
