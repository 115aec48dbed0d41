package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/engine"
)

// Exit codes of every subcommand.
const (
	// ExitOK means success: no errors (warnings allowed unless --strict).
	ExitOK = 0
	// ExitProblems means the input has problems: diagnostics with errors, failed flow tests,
	// files that fmt --check would change.
	ExitProblems = 1
	// ExitUsage means the command could not do its job: bad flags or arguments, unreadable files.
	ExitUsage = 2
)

// Version is the program's version, set at build time with -ldflags "-X ...cmd.Version=...".
var Version = "dev"

// exitError carries an exit code out of a subcommand.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// usageError reports a usage or I/O problem (exit 2).
func usageError(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// problems reports input problems already printed (exit 1).
var problems = &exitError{code: ExitProblems}

// Main runs the command line with the default registry and exits.
func Main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Registry: engine.DefaultRegistry()})
	stop()
	os.Exit(code)
}

// Env is what a run of the command line reads and writes.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Registry       *engine.Registry
	// Getenv reads the environment; os.Getenv when nil.
	Getenv func(string) string
}

// Run runs the command line with arguments and returns its exit code.
func Run(ctx context.Context, args []string, env Env) int {
	root := newRoot(env)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(env.Stderr, "switchboard:", ee.err)
		}
		return ee.code
	}
	// cobra's own errors: unknown commands and flags, wrong argument counts
	fmt.Fprintln(env.Stderr, "switchboard:", err)
	fmt.Fprintln(env.Stderr, "Run 'switchboard --help' for usage.")
	return ExitUsage
}

func newRoot(env Env) *cobra.Command {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	root := &cobra.Command{
		Use:   "switchboard",
		Short: "Routing flows for digital contact centres",
		Long: `Switchboard runs routing flows for digital contact centres: Facebook, Instagram, X and web chat
interactions go through flows of blocks (triggers, keyword filters, calendars, routing to skills,
replies) that are written as YAML or JSON, validated, tested in CI and run by the server.

Exit codes: 0 success, 1 problems in the input (diagnostics, failed tests), 2 usage or I/O errors.`,
		Version:       buildInfo().Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		// the flags the command line left unset take their environment variables, then the
		// configuration file's keys
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return applyConfig(cmd, env.Getenv)
		},
	}
	var version strings.Builder
	printVersion(&version, buildInfo())
	root.SetVersionTemplate(version.String())
	root.AddCommand(
		versionCommand(env),
		healthcheckCommand(env),
		validateCommand(env),
		fmtCommand(env),
		translationsCommand(env),
		schemaCommand(env),
		blocksCommand(env),
		runCommand(env),
		testCommand(env),
		serveCommand(env),
		migrateCommand(env),
		backupCommand(env),
		tokenCommand(env),
		secretsCommand(env),
		loadtestCommand(env),
	)
	return root
}
