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
	// DefaultRunDeadline bounds the wall-clock time of a run: room for a few http blocks, which
	// may wait up to a minute each.
	DefaultRunDeadline = 2 * time.Minute
)

// Limits are the budgets of a run: one Start or Resume, all the blocks it runs. Zero fields
// take the defaults.
type Limits struct {
	// Memory bounds the bytes the run's expressions and templates build, all blocks together:
	// strings, lists, maps, JSON and rendered text (DefaultMemoryBudget when zero).
	Memory int64 `json:"memory,omitempty"`
	// Operations bounds the run's operations: blocks run, list items walked, text scanned in
	// 256-byte pieces (DefaultOperationBudget when zero).
	Operations int64 `json:"operations,omitempty"`
	// Deadline bounds the run's wall-clock time (DefaultRunDeadline when zero, none when
	// negative). The caller's context stops a run too.
	Deadline time.Duration `json:"deadline,omitempty"`
}

func (l Limits) memory() int64 {
	if l.Memory > 0 {
		return l.Memory
	}
	return DefaultMemoryBudget
}

func (l Limits) operations() int64 {
	if l.Operations > 0 {
		return l.Operations
	}
	return DefaultOperationBudget
}

func (l Limits) deadline() time.Duration {
	if l.Deadline == 0 {
		return DefaultRunDeadline
	}
	return max(l.Deadline, 0)
}

// Check reports a limit that cannot work, naming it.
func (l Limits) Check() error {
	switch {
	case l.Memory < 0:
		return fmt.Errorf("memory budget %d: it must be positive (0 takes the default, %s)", l.Memory, FormatBytes(DefaultMemoryBudget))
	case l.Memory > 0 && l.Memory < 64<<10:
		return fmt.Errorf("memory budget %s: it must be at least 64 KiB", FormatBytes(l.Memory))
	case l.Operations < 0:
		return fmt.Errorf("operation budget %d: it must be positive (0 takes the default, %d)", l.Operations, DefaultOperationBudget)
	case l.Operations > 0 && l.Operations < 1000:
		return fmt.Errorf("operation budget %d: it must be at least 1000", l.Operations)
	}
	return nil
}

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

// monoBase is the origin of monotonic.
var monoBase = time.Now()

// monotonic reads the monotonic clock alone, as the time since monoBase: half the cost of
// time.Now, which reads the wall clock too.
func monotonic() time.Duration { return time.Since(monoBase) }

// budget is what a run has left. One run owns it: its counters need no lock.
type budget struct {
	memory, memoryLimit int64
	ops, opsLimit       int64
	deadline            time.Duration
	started             time.Duration // the run's first reading of monotonic, which the deadline counts from; 0 before it
	unread              int64         // operations work counted since it last read the clock
	parent              context.Context
	done                <-chan struct{} // the parent's
	ctx                 context.Context // the parent with the deadline, made when a block asks for it
	cancel              context.CancelFunc
}

// reset prepares the budget of a run under parent. A deadline is wall-clock time, not the
// session's clock, counted from the run's first reading of the clock (since): as its first
// step reaches outside the engine, where time can pass, or after some steps that only
// compute, whose time the operation budget bounds besides.
func (b *budget) reset(parent context.Context, memory, ops int64, deadline time.Duration) {
	*b = budget{memoryLimit: memory, opsLimit: ops, deadline: deadline, parent: parent, done: parent.Done()}
}

// since returns the time since the run's first reading of the clock, now being a reading of
// monotonic; the first reading is now when there was none.
func (b *budget) since(now time.Duration) time.Duration {
	if b.started == 0 {
		b.started = now
	}
	return now - b.started
}

// context is the run's context: the caller's, with the run's deadline. It is made on first
// use, so that runs whose blocks never wait on anything do not pay for a timer.
func (b *budget) context() context.Context {
	if b.ctx == nil {
		if b.deadline <= 0 {
			b.ctx = b.parent
		} else {
			b.since(monotonic())
			b.ctx, b.cancel = context.WithDeadline(b.parent, monoBase.Add(b.started+b.deadline))
		}
	}
	return b.ctx
}

// cancelled tells whether the run's parent context is done; one that cannot be is never.
func (b *budget) cancelled() bool {
	if b.done == nil {
		return false
	}
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// release frees the run's context.
func (b *budget) release() {
	if b.cancel != nil {
		b.cancel()
	}
}

// alloc counts n bytes about to be built; it refuses them, before they are built, when they
// do not fit. What was refused is not counted: a failed path may still build a little. A nil budget (an evaluation outside a run) refuses any single value larger
// than the default budget.
func (b *budget) alloc(n int64, what string) error {
	if b == nil {
		if n > DefaultMemoryBudget {
			return &BudgetError{Budget: BudgetMemory, Limit: DefaultMemoryBudget, Building: what}
		}
		return nil
	}
	if n > b.memoryLimit-b.memory {
		return &BudgetError{Budget: BudgetMemory, Limit: b.memoryLimit, Building: what}
	}
	b.memory += n
	return nil
}

// step counts the operation of running a block and notices a deadline or a cancellation;
// elapsed is the time since the run's first reading of the clock (since), as last read.
func (b *budget) step(elapsed time.Duration) error {
	if 1 > b.opsLimit-b.ops {
		return &BudgetError{Budget: BudgetOperations, Limit: b.opsLimit}
	}
	b.ops++
	if b.cancelled() {
		return &BudgetError{Budget: BudgetCancelled}
	}
	if b.deadline > 0 && elapsed >= b.deadline {
		return &BudgetError{Budget: BudgetDeadline, Limit: int64(b.deadline)}
	}
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
		return &BudgetError{Budget: BudgetOperations, Limit: b.opsLimit}
	}
	b.ops += n
	if b.cancelled() {
		return &BudgetError{Budget: BudgetCancelled}
	}
	if b.deadline > 0 {
		// The clock is read once per opsPerReading operations: a reading costs more than a
		// few of them.
		if b.unread += n; b.unread >= opsPerReading {
			b.unread = 0
			if b.since(monotonic()) >= b.deadline {
				return &BudgetError{Budget: BudgetDeadline, Limit: int64(b.deadline)}
			}
		}
	}
	return nil
}

// opsPerReading is how many operations work counts between readings of the clock for the
// run's deadline: tens of microseconds of work at most.
const opsPerReading = 256

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
