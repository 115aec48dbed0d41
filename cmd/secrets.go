package cmd

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/store"
)

// Environment variables of the keys that encrypt channel credentials at rest.
const (
	secretKeyEnv     = "SWITCHBOARD_SECRET_KEY"
	secretKeyFileEnv = "SWITCHBOARD_SECRET_KEY_FILE"
)

// dbOptions are the flags of every command that opens the database: --db, and the keys that
// encrypt channel credentials at rest.
type dbOptions struct {
	db, keyFile string
}

// dbFlags adds --db and --secret-key-file, configured flags.
func dbFlags(c *cobra.Command, o *dbOptions) {
	dbFlag(c, &o.db)
	c.Flags().StringVar(&o.keyFile, "secret-key-file", "",
		"a file of keys that encrypt channel credentials at rest, the first encrypting and all decrypting "+
			"(or give the keys themselves in "+secretKeyEnv+")")
	configure(c, "secret-key-file")
}

// keyring reads the secret keys from --secret-key-file or SWITCHBOARD_SECRET_KEY; nil when
// neither is given.
func (o dbOptions) keyring() (*store.Keyring, error) {
	env := os.Getenv(secretKeyEnv)
	switch {
	case o.keyFile != "" && env != "":
		return nil, usageError("give the secret keys in --secret-key-file (%s) or in %s, not both", secretKeyFileEnv, secretKeyEnv)
	case o.keyFile != "":
		text, err := os.ReadFile(o.keyFile)
		if err != nil {
			return nil, usageError("--secret-key-file: %v", err)
		}
		k, err := store.ParseKeyring(string(text))
		if err != nil {
			return nil, usageError("--secret-key-file %s: %v", o.keyFile, err)
		}
		return k, nil
	case env != "":
		k, err := store.ParseKeyring(env)
		if err != nil {
			return nil, usageError("%s: %v", secretKeyEnv, err)
		}
		return k, nil
	}
	return nil, nil
}

// open opens the database with the secret keys, applying the migrations when migrate is set.
func (o dbOptions) open(ctx context.Context, migrate bool) (store.Store, *store.Keyring, error) {
	return o.openWith(ctx, migrate, 0)
}

// openWith opens the database as open does, with at most maxConns connections to PostgreSQL
// (store.DefaultMaxConns when 0).
func (o dbOptions) openWith(ctx context.Context, migrate bool, maxConns int) (store.Store, *store.Keyring, error) {
	keys, err := o.keyring()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, o.db, store.Options{Migrate: migrate, Secrets: keys, MaxConns: maxConns})
	if err != nil {
		return nil, nil, usageError("open the database %s: %v", redact(o.db), err)
	}
	return st, keys, nil
}

// credentialsError is the error of a credential the keys given cannot decrypt.
func credentialsError(err error) error {
	if errors.Is(err, store.ErrSecretKey) {
		return &exitError{code: ExitProblems, err: fmt.Errorf("%w; give the key it was encrypted with in --secret-key-file "+
			"(%s) or %s, after the current key", err, secretKeyFileEnv, secretKeyEnv)}
	}
	return usageError("channel credentials: %v", err)
}

// describeSecrets says how the stored credentials are kept, from SecretsStatus.
func describeSecrets(counts map[string]int) string {
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(counts)) {
		if id == "" {
			parts = append(parts, fmt.Sprintf("%d in plain text", counts[id]))
		} else {
			parts = append(parts, fmt.Sprintf("%d encrypted with key %s", counts[id], id))
		}
	}
	if len(parts) == 0 {
		return "no channel credentials are stored"
	}
	return "channel credentials: " + strings.Join(parts, ", ")
}

func secretsCommand(env Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "secrets",
		Short: "Encrypt channel credentials at rest and rotate their keys",
		Long: `Channel credentials (app secrets, page tokens, X keys) are encrypted in the database with
AES-256-GCM when keys are given, in a file named by --secret-key-file (env
SWITCHBOARD_SECRET_KEY_FILE) or in SWITCHBOARD_SECRET_KEY: one key per line or separated by
commas, each "ID:KEY" or just "KEY", where KEY is 32 random bytes in base64
(openssl rand -base64 32). The first key encrypts; every key decrypts. serve, migrate and token
take the keys the same way.`,
	}
	var o dbOptions
	status := &cobra.Command{
		Use:   "status [--db URL] [--secret-key-file FILE]",
		Short: "Count the stored credentials by the key that encrypts them, and check they decrypt",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, keys, err := o.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer st.Close()
			counts, err := st.SecretsStatus(cmd.Context())
			if err != nil {
				return credentialsError(err)
			}
			fmt.Fprintln(env.Stdout, describeSecrets(counts))
			if keys == nil {
				fmt.Fprintln(env.Stdout, "no secret key is given: credentials are written in plain text")
			} else {
				fmt.Fprintf(env.Stdout, "keys: %s (%s encrypts)\n", strings.Join(keys.IDs(), ", "), keys.Current())
			}
			return nil
		},
	}
	dbFlags(status, &o)
	rotate := &cobra.Command{
		Use:   "rotate [--db URL] [--secret-key-file FILE]",
		Short: "Encrypt every stored credential with the first key",
		Long: `Rotate encrypts with the first key every stored channel credential that is not encrypted with
it yet: those in plain text, and those encrypted with an older key, which must still be given
after the first one. It checks that every credential decrypts first, and writes all of them in
one transaction. Once it has run, the older keys can be removed.`,
		Example: "  SWITCHBOARD_SECRET_KEY_FILE=/etc/switchboard/keys switchboard secrets rotate --db postgres://switchboard@db/switchboard",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, keys, err := o.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer st.Close()
			if keys == nil {
				return usageError("no secret key is given: put keys in --secret-key-file (%s) or %s", secretKeyFileEnv, secretKeyEnv)
			}
			n, err := st.SecretsRotate(cmd.Context(), "switchboard secrets rotate")
			if err != nil {
				return credentialsError(err)
			}
			fmt.Fprintf(env.Stdout, "encrypted %d credentials with key %s\n", n, keys.Current())
			counts, err := st.SecretsStatus(cmd.Context())
			if err != nil {
				return credentialsError(err)
			}
			fmt.Fprintln(env.Stdout, describeSecrets(counts))
			return nil
		},
	}
	dbFlags(rotate, &o)
	c.AddCommand(status, rotate)
	return c
}
