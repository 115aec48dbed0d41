package engine

import "context"

// WithBudget gives env a run's budget of memory bytes and operations, as a run would.
func WithBudget(ctx context.Context, env *Env, memory, ops int64) *Env {
	b := &budget{}
	b.reset(ctx, memory, ops, 0)
	env.budget = b
	return env
}
