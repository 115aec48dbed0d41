#!/bin/sh
# Builds a static switchboard binary, as releases and the container image are built:
# CGO_ENABLED=0 (the SQLite driver is pure Go), -trimpath, and the version, commit and build
# date linked in. The editor is embedded when editor/dist holds a build of it (make editor).
#
#   scripts/build-static.sh OUTPUT
#
# GOOS and GOARCH choose the platform (this machine's by default); VERSION, COMMIT and
# BUILD_DATE default to git describe, the commit, and the commit's date (so that two builds of
# one commit are the same), or to dev, unknown and now outside a git checkout.
set -eu

out=${1:?usage: scripts/build-static.sh OUTPUT}
cd "$(dirname "$0")/.."

if git rev-parse --git-dir >/dev/null 2>&1; then
	: "${VERSION:=$(git describe --tags --always --dirty)}"
	: "${COMMIT:=$(git rev-parse HEAD)}"
	: "${BUILD_DATE:=$(git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)}"
fi
: "${VERSION:=dev}"
: "${COMMIT:=}"
: "${BUILD_DATE:=$(date -u +%Y-%m-%dT%H:%M:%SZ)}"

pkg=github.com/switchboardhq/switchboard/cmd
CGO_ENABLED=0 exec go build -trimpath -buildvcs=false \
	-ldflags "-s -w -X $pkg.Version=$VERSION -X $pkg.Commit=$COMMIT -X $pkg.BuildDate=$BUILD_DATE" \
	-o "$out" ./cmd/switchboard
