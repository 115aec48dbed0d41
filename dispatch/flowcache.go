package dispatch

import (
	"context"
	"fmt"
	"sync"
	"time"

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
	// latest remembers each flow's latest version for latestTTL; Published forgets it at once.
	latest map[string]latestVersion
}

type latestVersion struct {
	version int
	read    time.Time
}

// latestTTL is how long a flow's latest version number is reused: a version published on
// another node reaches new sessions here within it (at once on this node).
const latestTTL = 2 * time.Second

type versionKey struct {
	id      string
	version int
}

// NewFlowCache returns an empty cache of a store's published flows.
func NewFlowCache(s store.Store, reg *engine.Registry) *FlowCache {
	return &FlowCache{store: s, reg: reg, byKey: map[versionKey]*engine.Flow{}, latest: map[string]latestVersion{}}
}

var _ engine.FlowLoader = (*FlowCache)(nil)

// LoadFlow returns a compiled published version; version 0 is the latest.
func (fc *FlowCache) LoadFlow(ctx context.Context, id string, version int) (*engine.Flow, error) {
	if version == 0 {
		fc.mu.Lock()
		l, ok := fc.latest[id]
		fc.mu.Unlock()
		if ok && time.Since(l.read) < latestTTL {
			version = l.version
		}
	}
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
	if version == 0 {
		fc.latest[id] = latestVersion{version: v.Version, read: time.Now()}
	}
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

// Published forgets a flow's latest version, so that new sessions start the one just published.
func (fc *FlowCache) Published(id string) {
	fc.mu.Lock()
	delete(fc.latest, id)
	fc.mu.Unlock()
}

// Forget drops the versions of a deleted flow.
func (fc *FlowCache) Forget(id string) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	delete(fc.latest, id)
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
