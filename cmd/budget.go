package cmd

import (
	"strconv"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/engine"
)

// budgetFlags are the flags of a run's budgets.
type budgetFlags struct{ memory, operations, deadline string }

// addBudgetFlags adds --memory-budget, --operation-budget and --run-deadline, configured flags.
func addBudgetFlags(c *cobra.Command, b *budgetFlags) {
	c.Flags().StringVar(&b.memory, "memory-budget", "8MiB",
		"what the expressions and templates of one run of a flow may build, such as 8MiB")
	c.Flags().StringVar(&b.operations, "operation-budget", strconv.Itoa(engine.DefaultOperationBudget),
		"the operations one run of a flow may do: blocks, list items walked, text scanned")
	c.Flags().StringVar(&b.deadline, "run-deadline", engine.DefaultRunDeadline.String(),
		"how long one run of a flow may take on the wall clock, such as 30s")
	configure(c, "memory-budget", "operation-budget", "run-deadline")
}

// limits reads the flags; an error names the flag.
func (b budgetFlags) limits() (engine.Limits, error) {
	var l engine.Limits
	mem, err := humanize.ParseBytes(b.memory)
	if err != nil || mem == 0 || mem > 1<<40 {
		return l, usageError("--memory-budget %q: write a size such as 8MiB or 16MB", b.memory)
	}
	ops, err := strconv.ParseInt(b.operations, 10, 64)
	if err != nil || ops <= 0 {
		return l, usageError("--operation-budget %q: write a whole number of operations such as 1000000", b.operations)
	}
	d, err := time.ParseDuration(b.deadline)
	if err != nil || d <= 0 {
		return l, usageError("--run-deadline %q: write a duration such as 30s or 2m", b.deadline)
	}
	l = engine.Limits{Memory: int64(mem), Operations: ops, Deadline: d}
	if err := l.Check(); err != nil {
		return l, usageError("%v", err)
	}
	return l, nil
}
