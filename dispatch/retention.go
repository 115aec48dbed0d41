package dispatch

// Retention: one node at a time prunes what the pipeline leaves behind. The nodes sharing a
// database take part in an election through a lease in the store (the same kind the
// assigner's election uses, under its own name): the node holding it prunes on each tick and
// renews it; when that node stops it gives the lease up, and when it dies the lease runs out
// and another node takes over. A round deletes at most Batch rows per statement and MaxBatches
// batches per kind; a backlog larger than that (a policy shortened, a long stop) drains over
// the following ticks.

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// Defaults of the pruner.
const (
	// DefaultPruneEvery is how often the pruning node looks for rows to delete.
	DefaultPruneEvery = time.Minute
	pruneLease        = "retention"
)

// PrunerConfig is what a Pruner is made of.
type PrunerConfig struct {
	Store  store.Store
	Policy store.RetentionPolicy
	Clock  engine.Clock
	Logger *slog.Logger
	// Node names this process among those sharing the database.
	Node string
	// Every is how often the pruning node prunes (DefaultPruneEvery when zero); its lease lasts
	// three times as long unless renewed.
	Every time.Duration
	// Batch and MaxBatches bound a round: rows per statement, and batches per kind
	// (store.DefaultPruneBatch and store.DefaultPruneMaxBatches when zero).
	Batch, MaxBatches int
	// Pruned hears, when set, how many rows of a kind a round deleted (for metrics).
	Pruned func(kind string, n int)
}

// Pruner applies a retention policy on the one node that holds the retention lease.
type Pruner struct {
	cfg    PrunerConfig
	leader atomic.Bool
}

// NewPruner returns a pruner; Run makes it take part in the election. The policy must pass
// its Check.
func NewPruner(cfg PrunerConfig) *Pruner {
	if cfg.Clock == nil {
		cfg.Clock = wallClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Every <= 0 {
		cfg.Every = DefaultPruneEvery
	}
	return &Pruner{cfg: cfg}
}

// Leader tells whether this node prunes now.
func (p *Pruner) Leader() bool { return p.leader.Load() }

// Run prunes on every tick while this node holds the lease, until ctx ends; then it gives the
// lease up.
func (p *Pruner) Run(ctx context.Context) {
	ticker := time.NewTicker(p.cfg.Every)
	defer ticker.Stop()
	for {
		p.Step(ctx)
		select {
		case <-ticker.C:
		case <-ctx.Done():
			if p.leader.Swap(false) {
				if err := p.cfg.Store.LeaseRelease(context.WithoutCancel(ctx), pruneLease, p.cfg.Node); err != nil {
					p.cfg.Logger.Warn("release the retention lease", "err", err)
				}
			}
			return
		}
	}
}

// Step takes or renews the lease and, on the node holding it, runs one round of pruning at the
// clock's time; it returns what the round deleted (nothing on the other nodes). Run calls it on
// each tick; tests call it to step the pruner deterministically.
func (p *Pruner) Step(ctx context.Context) store.Pruned {
	ok, err := p.cfg.Store.LeaseAcquire(ctx, pruneLease, p.cfg.Node, 3*p.cfg.Every)
	if err != nil {
		if ctx.Err() == nil {
			p.cfg.Logger.Warn("the retention lease", "err", err)
		}
		return nil
	}
	if was := p.leader.Swap(ok); was != ok {
		p.cfg.Logger.Debug("retention", "leader", ok, "node", p.cfg.Node)
	}
	if !ok {
		return nil
	}
	pruned, err := p.cfg.Store.RetentionPrune(ctx, store.RetentionPruneParams{Policy: p.cfg.Policy,
		Now: p.cfg.Clock.Now(), Batch: p.cfg.Batch, MaxBatches: p.cfg.MaxBatches})
	// what a failed round deleted before failing is deleted all the same
	p.report(pruned)
	if err != nil && ctx.Err() == nil {
		p.cfg.Logger.Warn("pruning failed; the next round tries again", "err", err)
	}
	return pruned
}

// report logs one line for a round that deleted something, with the count of each kind, and
// tells the metrics.
func (p *Pruner) report(pruned store.Pruned) {
	if pruned.Total() == 0 {
		return
	}
	attrs := make([]any, 0, 2*len(pruned))
	for _, kind := range store.PruneKinds {
		if n := pruned[kind]; n > 0 {
			attrs = append(attrs, kind, n)
			if p.cfg.Pruned != nil {
				p.cfg.Pruned(kind, n)
			}
		}
	}
	p.cfg.Logger.Info("pruned", attrs...)
}
