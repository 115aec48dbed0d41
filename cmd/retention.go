package cmd

// Retention flags of serve, and the backup command.

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/store"
)

// retentionOptions are serve's flags that say how long what grows is kept, and how often it is
// pruned.
type retentionOptions struct {
	policy store.RetentionPolicy
	every  time.Duration
}

// retentionFlags adds the --retain-* flags and --prune-every.
func retentionFlags(c *cobra.Command, o *retentionOptions) {
	o.policy = store.DefaultRetention
	o.every = dispatch.DefaultPruneEvery
	for _, f := range []struct {
		name, usage string
		d           *time.Duration
	}{
		{"retain-payloads", "how long a processed webhook payload is kept", &o.policy.Payloads},
		{"retain-event-keys", "how long the key that deduplicates a webhook event is kept, at least 7d", &o.policy.EventKeys},
		{"retain-conversations", "how long a closed conversation is kept, with its interactions", &o.policy.Conversations},
		{"retain-outbox", "how long a sent or failed outbound action is kept", &o.policy.Outbox},
		{"retain-audit", "how long an audit entry is kept", &o.policy.Audit},
		{"retain-profiles", "how long a customer's cached network profile is kept after it was last looked up", &o.policy.Profiles},
		{"retain-webchat", "how long a web chat visitor's messages and files are kept", &o.policy.Webchat},
		{"prune-every", "how often the pruning node deletes what is older than the --retain-* flags allow", &o.every},
	} {
		usage := f.usage
		if f.name != "prune-every" {
			usage += "; 0 keeps forever"
		}
		c.Flags().Var((*days)(f.d), f.name, usage)
	}
}

// check refuses a policy that cannot be applied, naming the flag.
func (o *retentionOptions) check() error {
	if o.every <= 0 {
		return usageError("--prune-every %s: give a positive duration, such as 1m", (*days)(&o.every))
	}
	if err := o.policy.Check(); err != nil {
		msg := strings.TrimSuffix(err.Error(), ": "+store.ErrInvalid.Error())
		for _, kind := range []string{"payloads", "event_keys", "conversations", "outbox", "audit", "profiles"} {
			if strings.HasPrefix(msg, "retention of "+kind+":") {
				return usageError("--retain-%s%s", strings.ReplaceAll(kind, "_", "-"), strings.TrimPrefix(msg, "retention of "+kind))
			}
		}
		return usageError("%s", msg)
	}
	return nil
}

// days is a duration flag that also takes whole days, such as 30d; 0 is zero.
type days time.Duration

var _ pflag.Value = (*days)(nil)

func (d *days) Set(s string) error {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		v, err := strconv.Atoi(n)
		if err != nil {
			return fmt.Errorf("use a number of days such as 30d, or a duration such as 12h")
		}
		*d = days(time.Duration(v) * 24 * time.Hour)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("use a number of days such as 30d, or a duration such as 12h")
	}
	*d = days(v)
	return nil
}

func (d *days) String() string {
	v := time.Duration(*d)
	if v != 0 && v%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(v/(24*time.Hour)), 10) + "d"
	}
	return v.String()
}

func (d *days) Type() string { return "duration" }

func backupCommand(env Env) *cobra.Command {
	var db string
	c := &cobra.Command{
		Use:   "backup [--db FILE] OUT",
		Short: "Copy a SQLite database to a new file, while servers use it",
		Long: `Backup writes a consistent, compacted copy of a SQLite database to the new file OUT with
SQLite's VACUUM INTO. Servers may keep running and writing while it copies. It never overwrites a
file: OUT must not exist. Open the copy as any database: switchboard serve --db OUT.

A PostgreSQL database is backed up with PostgreSQL's own tools, such as
pg_dump --format=custom --file OUT postgres://user@host:5432/db, and restored with pg_restore.`,
		Example: "  switchboard backup --db switchboard.db backups/switchboard-$(date +%F).db",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := args[0]
			if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
				return usageError("backup copies SQLite databases; back PostgreSQL up with pg_dump:\n\n    pg_dump --format=custom --file %s '%s'\n", out, redact(db))
			}
			err := store.BackupSQLite(cmd.Context(), db, out)
			switch {
			case errors.Is(err, store.ErrBackupExists):
				return usageError("%s exists already: backup writes a new file and never overwrites one", out)
			case err != nil:
				return usageError("%v", err)
			}
			info, err := os.Stat(out)
			if err != nil {
				return usageError("backup: %v", err)
			}
			fmt.Fprintf(env.Stderr, "backed up %s to %s (%d bytes)\n", db, out, info.Size())
			return nil
		},
	}
	dbFlag(c, &db)
	return c
}
