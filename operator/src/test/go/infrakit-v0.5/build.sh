#!/usr/bin/env bash
# Builds three of InfraKit v0.5's own programs with Debian's Go, offline, in GOPATH mode from the dependencies
# InfraKit vendors: infrakit-group-default (cmd/group), infrakit-instance-file and infrakit-flavor-vanilla (its
# examples). A test helper, not part of InfraKit for Java; InfraKit's source is not in this repository.
#
# Usage: build.sh SOURCE OUTDIR
#   SOURCE  a git directory of docker/infrakit (bare or not) with the tag v0.5, or a directory holding its files
#   OUTDIR  where the three binaries go
set -euo pipefail
src=${1:?usage: build.sh SOURCE OUTDIR}
out=${2:?usage: build.sh SOURCE OUTDIR}
command -v go >/dev/null || { echo "go is missing: apt-get install golang-go" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree="$work/gopath/src/github.com/docker/infrakit"
mkdir -p "$tree" "$out"

if [ -d "$src/pkg" ] && [ -d "$src/vendor" ]; then
  cp -r "$src/cmd" "$src/pkg" "$src/examples" "$src/vendor" "$tree/"
else
  gitdir=$src
  [ -d "$src/.git" ] && gitdir="$src/.git"
  # A mirror may lack some large blobs (prebuilt *.test binaries at v0.5): archive a tree without them, made in a
  # private object directory so the source is only read.
  mkdir -p "$work/objects"
  export GIT_DIR="$gitdir" GIT_OBJECT_DIRECTORY="$work/objects" GIT_ALTERNATE_OBJECT_DIRECTORIES="$gitdir/objects"
  export GIT_INDEX_FILE="$work/index"
  git read-tree v0.5
  git ls-files | grep '\.test$' | xargs -r git update-index --force-remove
  git archive "$(git write-tree)" cmd pkg examples vendor | tar -x -C "$tree"
  unset GIT_DIR GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_INDEX_FILE
fi

cd "$tree"
build() { # OUTPUT PACKAGE
  GO111MODULE=off GOPATH="$work/gopath" GOCACHE="${GOCACHE:-$work/cache}" GOFLAGS= go build -o "$out/$1.tmp" "$2"
  mv "$out/$1.tmp" "$out/$1"
}
build infrakit-group-default ./cmd/group
build infrakit-instance-file ./examples/instance/file
build infrakit-flavor-vanilla ./examples/flavor/vanilla
