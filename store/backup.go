package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/jmoiron/sqlx"
)

// ErrBackupExists means the file a backup was to be written to exists: a backup never
// overwrites one.
var ErrBackupExists = errors.New("exists already")

// BackupSQLite writes a consistent copy of the SQLite database a URL names (sqlite:PATH,
// file:PATH or a plain path) to the new file out, with VACUUM INTO: a live database may be
// backed up while servers write to it, and the copy is compacted. It refuses (ErrBackupExists)
// when out exists, and (ErrInvalid) a PostgreSQL URL, which pg_dump backs up, or a database
// that is not a file.
func BackupSQLite(ctx context.Context, url, out string) error {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		return fmt.Errorf("backup: a PostgreSQL database is backed up with pg_dump: %w", ErrInvalid)
	}
	path := sqlitePath(url)
	switch {
	case path == "":
		return fmt.Errorf("backup: no database: %w", ErrInvalid)
	case inMemory(url):
		return fmt.Errorf("backup: %s lives in memory only, there is no file to copy: %w", url, ErrInvalid)
	case strings.Contains(url, "://") && !strings.HasPrefix(url, "sqlite:") && !strings.HasPrefix(url, "file:"):
		return fmt.Errorf("backup: %s: only SQLite files and PostgreSQL databases are supported: %w", url, ErrInvalid)
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("backup: the database %s does not exist: %w", path, ErrNotFound)
		}
		return fmt.Errorf("backup: %w", err)
	}
	if out == "" {
		return fmt.Errorf("backup: no file to write the copy to: %w", ErrInvalid)
	}
	if _, err := os.Lstat(out); err == nil {
		return fmt.Errorf("backup: %s %w: a backup never overwrites a file", out, ErrBackupExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	db, err := sqlx.Open("sqlite", sqliteDSN(url))
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", path, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, out); err != nil {
		return fmt.Errorf("backup %s to %s: %w", path, out, err)
	}
	return nil
}

// sqlitePath is the file of a SQLite URL: sqlite:PATH, file:PATH?QUERY or a plain path.
func sqlitePath(url string) string {
	if rest, ok := strings.CutPrefix(url, "sqlite://"); ok {
		url = rest
	} else if rest, ok := strings.CutPrefix(url, "sqlite:"); ok {
		url = rest
	}
	if rest, ok := strings.CutPrefix(url, "file:"); ok {
		url, _, _ = strings.Cut(rest, "?")
	}
	return url
}
