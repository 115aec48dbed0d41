package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Defaults of a run's budgets: what one Start or Resume may build, do and take.
const (
	// DefaultMemoryBudget bounds the bytes of the values a run's expressions and templates
	// build: strings, lists, maps and JSON, counted as they are built.
	DefaultMemoryBudget = 8 << 20
	// DefaultOperationBudget bounds the operations of a run: blocks run, items visited by list
	// functions and ranges, strings joined.
	DefaultOperationBudget = 1_000_000
	// DefaultRunDeadline bounds the wall-clock time of a run.
	DefaultRunDeadline = 30 * time.Second
)

// ErrRunStopped is what every *BudgetError is: a run stopped by one of its budgets, by its
// deadline or because its caller went away.
var ErrRunStopped = errors.New("run stopped")

// Budget names.
const (
	BudgetMemory     = "memory"
	BudgetOperations = "operations"
	BudgetDeadline   = "deadline"
	BudgetCancelled  = "cancelled"
)

// BudgetError says which budget stopped a run.
type BudgetError struct {
	// Budget is memory, operations, deadline or cancelled.
	Budget string
	// Limit is the budget's size: bytes, operations or nanoseconds.
	Limit int64
	// Building says what was being built when the memory budget ran out: "a string", "a list".
	Building string
}

func (e *BudgetError) Error() string {
	switch e.Budget {
	case BudgetMemory:
		return fmt.Sprintf("run stopped: memory budget of %s exceeded building %s", FormatBytes(e.Limit), e.Building)
	case BudgetOperations:
		return fmt.Sprintf("run stopped: operation budget of %d exceeded", e.Limit)
	case BudgetDeadline:
		return fmt.Sprintf("run stopped: deadline of %s passed", time.Duration(e.Limit))
	}
	return "run stopped: cancelled"
}

// Is makes every BudgetError match ErrRunStopped.
func (e *BudgetError) Is(target error) bool { return target == ErrRunStopped }

// FormatBytes writes a size in bytes as people read it: 512 B, 64 KiB, 8 MiB, 1.5 GiB.
func FormatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f, u := float64(n), 0
	for f >= 1024 && u < len(units)-1 {
		f, u = f/1024, u+1
	}
	if f == math.Trunc(f) {
		return fmt.Sprintf("%d %s", int64(f), units[u])
	}
	return fmt.Sprintf("%.1f %s", f, units[u])
}

// budget is what a run has left. One run owns it: its counters need no lock.
type budget struct {
	memory, memoryLimit int64
	ops, opsLimit       int64
	deadline            time.Duration
	ctx                 context.Context
	done                <-chan struct{}
}

func (b *budget) reset(ctx context.Context, memory, ops int64, deadline time.Duration) {
	*b = budget{memoryLimit: memory, opsLimit: ops, deadline: deadline, ctx: ctx, done: ctx.Done()}
}

// alloc counts n bytes about to be built; it refuses them, before they are built, when they
// do not fit. A nil budget (an evaluation outside a run) refuses any single value larger
// than the default budget.
func (b *budget) alloc(n int64, what string) error {
	if b == nil {
		if n > DefaultMemoryBudget {
			return &BudgetError{Budget: BudgetMemory, Limit: DefaultMemoryBudget, Building: what}
		}
		return nil
	}
	if n > b.memoryLimit-b.memory {
		b.memory = b.memoryLimit // spent: whatever the run tries next fails as well
		return &BudgetError{Budget: BudgetMemory, Limit: b.memoryLimit, Building: what}
	}
	b.memory += n
	return nil
}

// work counts n operations and notices a deadline or a cancellation.
func (b *budget) work(n int64) error {
	if b == nil {
		if n > DefaultOperationBudget {
			return &BudgetError{Budget: BudgetOperations, Limit: DefaultOperationBudget}
		}
		return nil
	}
	if n > b.opsLimit-b.ops {
		b.ops = b.opsLimit
		return &BudgetError{Budget: BudgetOperations, Limit: b.opsLimit}
	}
	b.ops += n
	select {
	case <-b.done:
		return b.stopped()
	default:
		return nil
	}
}

// stopped says why the run's context ended.
func (b *budget) stopped() error {
	if errors.Is(b.ctx.Err(), context.DeadlineExceeded) && b.deadline > 0 {
		return &BudgetError{Budget: BudgetDeadline, Limit: int64(b.deadline)}
	}
	return &BudgetError{Budget: BudgetCancelled}
}

// mul multiplies sizes, saturating instead of overflowing.
func mul(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// add adds sizes, saturating instead of overflowing.
func add(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
