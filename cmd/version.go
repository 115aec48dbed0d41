package cmd

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/switchboardhq/switchboard/server"
)

// Commit and BuildDate describe the build; the Makefile and scripts/build-static.sh set them
// with -ldflags "-X ...cmd.Commit=... -X ...cmd.BuildDate=...", beside Version.
var (
	// Commit is the revision the binary was built from.
	Commit = ""
	// BuildDate is when the binary was built, RFC 3339.
	BuildDate = ""
)

// buildInfo is this binary's build: what the link flags set, else what the Go toolchain
// recorded (the module's version for `go install ...@v0.1.0`, the revision and its time for a
// build in a checkout).
func buildInfo() server.BuildInfo {
	b := server.BuildInfo{Version: Version, Commit: Commit, Date: BuildDate, GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if (b.Version == "" || b.Version == "dev") && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	modified, fromVCS := false, false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit, fromVCS = s.Value, true
			}
		case "vcs.time":
			if b.Date == "" {
				b.Date = s.Value
			}
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified && fromVCS {
		b.Commit += "-dirty"
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

// printVersion writes the build, one fact a line.
func printVersion(w io.Writer, b server.BuildInfo) {
	unknown := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	fmt.Fprintf(w, "switchboard %s\ncommit:   %s\nbuilt:    %s\ngo:       %s\nplatform: %s/%s\n",
		b.Version, unknown(b.Commit), unknown(b.Date), b.GoVersion, runtime.GOOS, runtime.GOARCH)
}

func versionCommand(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and Go release of this binary",
		Long: `Version prints the release this binary was built as (dev for a build from a checkout),
the commit of its sources, when it was built, and the Go release and platform it was built with.
--version prints the same. A running server gives its version on /healthz, and all of it as the
switchboard_build_info metric.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			printVersion(env.Stdout, buildInfo())
			return nil
		},
	}
}
