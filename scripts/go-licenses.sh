#!/bin/sh
# Prints the licence files of every Go module linked into the switchboard binary on the
# release platforms, from the module cache: the notices a binary distribution carries
# (the editor's own are in its build, served at /third-party-licenses.txt).
set -eu
cd "$(dirname "$0")/.."

platforms=${PLATFORMS:-"linux/amd64 linux/arm64 darwin/arm64 windows/amd64"}
modules=$(for p in $platforms; do
	GOOS=${p%/*} GOARCH=${p#*/} CGO_ENABLED=0 go list -deps \
		-f '{{with .Module}}{{if not .Main}}{{.Path}}@{{.Version}} {{.Dir}}{{end}}{{end}}' ./cmd/switchboard
done | sort -u)

echo "Third-party licences of the Go modules in the switchboard binary"
echo "$modules" | while read -r mod dir; do
	[ -n "$mod" ] || continue
	printf '\n## %s\n' "$mod"
	found=
	for f in "$dir"/LICENSE* "$dir"/LICENCE* "$dir"/License* "$dir"/COPYING* "$dir"/NOTICE*; do
		[ -f "$f" ] || continue
		found=1
		printf '\n%s\n' "$(cat "$f")"
	done
	if [ -z "$found" ]; then
		echo "go-licenses: $mod has no licence file in $dir" >&2
		exit 1
	fi
done
