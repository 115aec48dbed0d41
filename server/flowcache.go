package server

import (
	"context"
	"fmt"
	"sync"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/store"
)

// flowCache keeps compiled published versions: they are immutable, so each is compiled once.
// It is the runtime's FlowLoader for subflows and for resuming sessions.
type flowCache struct {
	store store.Store
	reg   *engine.Registry
	mu    sync.Mutex
	byKey map[versionKey]*engine.Flow
}

type versionKey struct {
	id      string
	version int
}

func newFlowCache(s store.Store, reg *engine.Registry) *flowCache {
	return &flowCache{store: s, reg: reg, byKey: map[versionKey]*engine.Flow{}}
}

var _ engine.FlowLoader = (*flowCache)(nil)

// LoadFlow returns a compiled published version; version 0 is the latest.
func (fc *flowCache) LoadFlow(ctx context.Context, id string, version int) (*engine.Flow, error) {
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
	f, diags := flows.Load(sourceName(id, v.Format), []byte(v.Source), fc.reg)
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

// forget drops the versions of a deleted flow.
func (fc *flowCache) forget(id string) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	for k := range fc.byKey {
		if k.id == id {
			delete(fc.byKey, k)
		}
	}
}

// sourceName is the file name diagnostics of a stored flow name.
func sourceName(id, format string) string {
	if format == "json" {
		return id + ".json"
	}
	return id + ".yaml"
}
