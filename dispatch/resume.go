package dispatch

// The pipeline as the routing package reaches it.

import (
	"context"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/routing"
	"github.com/switchboardhq/switchboard/store"
)

var (
	_ routing.Resumer = (*Dispatcher)(nil)
	_ Queue           = (*routing.Queue)(nil)
)

// ResumeSession resumes a session with an event the ACD decided (an assignment, the agent's
// closing), writing extra in the same transaction.
func (d *Dispatcher) ResumeSession(ctx context.Context, sessionID string, ev engine.Event, extra func(store.Tx) error) error {
	_, err := d.Resume(ctx, sessionID, ev, extra)
	return err
}
