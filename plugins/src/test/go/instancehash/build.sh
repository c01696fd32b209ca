#!/usr/bin/env bash
# Builds the config-hash reference (main.go: InfraKit v0.5's InstanceHash with the standard library only) with
# Debian's Go, offline (apt-get install golang-go).   Usage: build.sh OUTPUT
# A test helper, not part of InfraKit for Java.
set -euo pipefail
out=${1:?usage: build.sh OUTPUT}
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v go >/dev/null || { echo "Go is missing: apt-get install golang-go" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/instancehash"
cp "$src/main.go" "$work/src/instancehash/"
cd "$work/src/instancehash"
GO111MODULE=off GOPATH="$work" GOCACHE="${GOCACHE:-$work/cache}" GOFLAGS= GOPROXY=off go build -o "$out.tmp" .
mv "$out.tmp" "$out"
