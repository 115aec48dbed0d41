package server

import (
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
)

// BuildInfo says which build of Switchboard runs: /healthz gives its version, and /metrics all
// of it as switchboard_build_info.
type BuildInfo struct {
	// Version is the release, such as 0.1.0, or "dev" for a build from a checkout.
	Version string
	// Commit is the revision of the sources the binary was built from; "" when unknown.
	Commit string
	// Date is when the binary was built (or its commit made), RFC 3339; "" when unknown.
	Date string
	// GoVersion is the Go release that compiled it, such as go1.26.0.
	GoVersion string
}

// withDefaults fills what a build left unsaid: the version "dev", and this binary's Go release.
func (b BuildInfo) withDefaults() BuildInfo {
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.GoVersion == "" {
		b.GoVersion = runtime.Version()
	}
	return b
}

// newBuildInfoGauge is switchboard_build_info, always 1, labelled with the build's version,
// commit and Go release: the usual way to join a build to other series.
func newBuildInfoGauge() *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "switchboard_build_info", Help: "The build of Switchboard that runs: always 1, with its version, commit and Go release as labels.",
	}, []string{"version", "commit", "go_version"})
}

// SetBuild labels switchboard_build_info with a build; the server calls it when it is made.
func (m *Metrics) SetBuild(b BuildInfo) {
	b = b.withDefaults()
	m.build.Reset()
	m.build.WithLabelValues(b.Version, b.Commit, b.GoVersion).Set(1)
}
