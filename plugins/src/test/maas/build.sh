#!/usr/bin/env bash
# Builds the maas plugin's test server (main.go) with Debian's Go, offline, from Debian's packaged gomaasapi:
# apt-get install golang-go golang-github-juju-gomaasapi-dev.   Usage: build.sh OUTPUT
# A test helper, not part of InfraKit for Java.
set -euo pipefail
out=${1:?usage: build.sh OUTPUT}
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -d /usr/share/gocode/src/github.com/juju/gomaasapi ] || {
  echo "gomaasapi is missing: apt-get install golang-github-juju-gomaasapi-dev" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/maas-test-server"
cp "$src/main.go" "$work/src/maas-test-server/"
cd "$work/src/maas-test-server"
GO111MODULE=off GOPATH="$work:/usr/share/gocode" GOCACHE="${GOCACHE:-$work/cache}" GOFLAGS= \
  go build -o "$out.tmp" .
mv "$out.tmp" "$out"
