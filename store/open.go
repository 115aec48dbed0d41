package store

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/engine"
)

// Options configure an opened store.
type Options struct {
	// Clock gives every time the store writes (created, updated, audited); the wall clock when nil.
	Clock engine.Clock
	// Migrate applies the embedded migrations that are not applied yet when the store opens.
	Migrate bool
	// Logger receives what migrations do; nothing is logged when nil.
	Logger *slog.Logger
	// Secrets are the keys channel credentials are encrypted with at rest; credentials are
	// written in plain text when nil (and read either way).
	Secrets *Keyring
	// Driver, when set, is the database/sql driver to open the database with instead of the
	// dialect's own ("postgres" or "sqlite"): tests wrap the driver to count statements.
	Driver string
	// MaxConns bounds the connections to PostgreSQL (DefaultMaxConns when 0); the notification
	// listener takes one more. SQLite keeps its one writer and four readers.
	MaxConns int
}

// DefaultMaxConns is how many connections a store opens to PostgreSQL at most.
const DefaultMaxConns = 32

// Open opens the database a URL names: postgres://… or postgresql://… for PostgreSQL, and
// sqlite:PATH, file:PATH (a SQLite URI) or a plain file path for SQLite, ":memory:" included.
func Open(ctx context.Context, url string, opts Options) (Store, error) {
	if opts.Clock == nil {
		opts.Clock = wallClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	var (
		s   *sqlStore
		err error
	)
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		s, err = openPostgres(ctx, url, opts)
	case url == "":
		return nil, fmt.Errorf("open store: no database URL: %w", ErrInvalid)
	case strings.Contains(url, "://") && !strings.HasPrefix(url, "sqlite:") && !strings.HasPrefix(url, "file:"):
		scheme, _, _ := strings.Cut(url, "://")
		return nil, fmt.Errorf("open store: %s:// databases are not supported, only postgres:// and SQLite files: %w", scheme, ErrInvalid)
	default:
		s, err = openSQLite(ctx, url, opts)
	}
	if err != nil {
		return nil, err
	}
	s.secrets = opts.Secrets
	s.log = opts.Logger
	if s.dialect == postgresDialect {
		b, err := newPGBus(s, url, opts.Logger)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.bus, s.closeBus = b, b.close
	} else {
		s.bus = newLocalBus()
	}
	if opts.Migrate {
		if err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }
