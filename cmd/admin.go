package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/server"
	"github.com/switchboardhq/switchboard/store"
)

func migrateCommand(env Env) *cobra.Command {
	var o dbOptions
	c := &cobra.Command{
		Use:   "migrate [--db URL] [--secret-key-file FILE]",
		Short: "Apply the database schema migrations",
		Long: `Migrate applies the schema migrations embedded in this binary that the database does not
have yet, and prints the schema version. serve does the same at start; run migrate on its own to
upgrade a database before starting new servers on it.`,
		Example: "  switchboard migrate --db postgres://switchboard@db:5432/switchboard",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, _, err := o.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer st.Close()
			before, latest, err := st.MigrationStatus(cmd.Context())
			if err != nil {
				return usageError("read the schema version: %v", err)
			}
			if err := st.Migrate(cmd.Context()); err != nil {
				return usageError("migrate: %v", err)
			}
			if before == latest {
				fmt.Fprintf(env.Stdout, "the %s schema is up to date (version %d)\n", st.Dialect(), latest)
			} else {
				fmt.Fprintf(env.Stdout, "migrated the %s schema from version %d to %d\n", st.Dialect(), before, latest)
			}
			counts, err := st.SecretsStatus(cmd.Context())
			if err != nil {
				return credentialsError(err)
			}
			fmt.Fprintln(env.Stderr, describeSecrets(counts))
			return nil
		},
	}
	dbFlags(c, &o)
	return c
}

func tokenCommand(env Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "token",
		Short: "Manage API tokens",
	}
	var o dbOptions
	var role, name, agent string
	var createDB bool
	create := &cobra.Command{
		Use:   "create --role admin|designer|supervisor|agent [--name NAME] [--agent ID] [--db URL] [--create]",
		Short: "Create an API token and print its secret (shown once)",
		Long: `Create makes an API token with a role and prints its secret, which is shown only once, and
names the database it wrote to. Roles: admin (everything), designer (flows), supervisor
(statistics, agents, emergency switches), agent (the agent API; --agent names the agent).

The token goes into the database of --db: give the one serve uses (./switchboard.db in the
folder serve was started from, unless --db, SWITCHBOARD_DB or the configuration file says
otherwise). A SQLite file that does not exist, or a database without Switchboard's schema, is
refused, so that a token never lands in a database no server reads; --create makes one.
This is also how to get an admin token when the one serve printed at its first start is lost.`,
		Example: "  switchboard token create --role admin --db /var/lib/switchboard/switchboard.db\n" +
			"  switchboard token create --role designer --name 'Flow team'",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(store.Roles, role) {
				return usageError("--role %q: use admin, designer, supervisor or agent", role)
			}
			if (role == store.RoleAgent) != (agent != "") {
				return usageError("an agent token needs --agent, and only an agent token takes it")
			}
			if _, err := o.keyring(); err != nil {
				return err
			}
			where := databaseName(o.db)
			if path, ok := sqliteFile(o.db); ok && !createDB {
				if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
					return usageError("--db: %s does not exist; give the database serve uses, or --create to make a new one", where)
				}
			}
			st, _, err := o.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer st.Close()
			applied, _, err := st.MigrationStatus(cmd.Context())
			if err != nil {
				return usageError("read the schema version of %s: %v", where, err)
			}
			if applied == 0 && !createDB {
				return usageError("--db: %s has no Switchboard schema; give the database serve uses, or --create to make a new one", where)
			}
			if err := st.Migrate(cmd.Context()); err != nil {
				return usageError("migrate %s: %v", where, err)
			}
			if agent != "" {
				if _, err := st.AgentGet(cmd.Context(), agent); err != nil {
					return usageError("agent %s: %v", agent, err)
				}
			}
			if name == "" {
				name = role
			}
			secret, hash := server.NewToken()
			t, err := st.TokenCreate(cmd.Context(), store.Token{Name: name, Role: role, Agent: agent, Hash: hash}, "switchboard token create")
			if err != nil {
				return usageError("create the token: %v", err)
			}
			fmt.Fprintf(env.Stderr, "created %s token %s (%s) in %s; its secret, shown only this once:\n", t.Role, t.ID, t.Name, where)
			fmt.Fprintln(env.Stdout, secret)
			return nil
		},
	}
	create.Flags().StringVar(&role, "role", "", "admin, designer, supervisor or agent")
	create.Flags().StringVar(&name, "name", "", "a name that says whose token it is")
	create.Flags().StringVar(&agent, "agent", "", "for agent tokens: the agent's id")
	create.Flags().BoolVar(&createDB, "create", false, "make the database when it does not exist yet")
	_ = create.MarkFlagRequired("role")
	_ = create.RegisterFlagCompletionFunc("role", cobra.FixedCompletions(store.Roles, cobra.ShellCompDirectiveNoFileComp))
	dbFlags(create, &o)
	c.AddCommand(create)
	return c
}

// sqliteFile is the file of a SQLite database URL (a path, or sqlite: or file: before one);
// false for PostgreSQL and in-memory databases.
func sqliteFile(db string) (string, bool) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") ||
		strings.Contains(db, ":memory:") || strings.Contains(db, "mode=memory") {
		return "", false
	}
	for _, prefix := range []string{"sqlite://", "sqlite:", "file:"} {
		db = strings.TrimPrefix(db, prefix)
	}
	db, _, _ = strings.Cut(db, "?")
	if db == "" {
		return "", false
	}
	if abs, err := filepath.Abs(db); err == nil {
		db = abs
	}
	return db, true
}

// databaseName names a database for messages: a SQLite file by its absolute path, a
// PostgreSQL URL without its password.
func databaseName(db string) string {
	if path, ok := sqliteFile(db); ok {
		return "the SQLite database " + path
	}
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return "the PostgreSQL database " + redact(db)
	}
	return "the database " + redact(db)
}
