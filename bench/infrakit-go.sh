#!/usr/bin/env bash
# Builds the InfraKit v0.5 programs the footprint benchmark runs beside this operator: infrakit-group-default
# (cmd/group), infrakit-instance-file and infrakit-flavor-vanilla (its examples), with Debian's Go (apt-get install
# golang-go), offline, in GOPATH mode from the dependencies InfraKit vendors. A benchmark helper, not part of the
# product: InfraKit's source is not in this repository.
#
# Usage: bench/infrakit-go.sh SOURCE OUTDIR
#   SOURCE  a git directory of docker/infrakit (bare or not) holding the tag v0.5, or a directory of its files
#   OUTDIR  where the three binaries go (then: ./infrakit bench footprint --go OUTDIR)
set -euo pipefail
src=${1:?usage: infrakit-go.sh SOURCE OUTDIR}
out=${2:?usage: infrakit-go.sh SOURCE OUTDIR}
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
  # Read the tag into a private index and object directory (the source stays untouched), leaving out the prebuilt
  # test binaries some mirrors lack.
  mkdir -p "$work/objects"
  export GIT_DIR="$gitdir" GIT_OBJECT_DIRECTORY="$work/objects" GIT_ALTERNATE_OBJECT_DIRECTORIES="$gitdir/objects"
  export GIT_INDEX_FILE="$work/index"
  git read-tree v0.5
  git ls-files | grep '\.test$' | xargs -r git update-index --force-remove
  git archive "$(git write-tree)" cmd pkg examples vendor | tar -x -C "$tree"
  unset GIT_DIR GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_INDEX_FILE
fi

cd "$tree"
for target in infrakit-group-default=./cmd/group infrakit-instance-file=./examples/instance/file \
    infrakit-flavor-vanilla=./examples/flavor/vanilla; do
  name=${target%%=*}
  GO111MODULE=off GOPATH="$work/gopath" GOCACHE="${GOCACHE:-$work/cache}" GOFLAGS= go build -o "$out/$name.tmp" \
    "${target#*=}"
  mv "$out/$name.tmp" "$out/$name"
done
echo "built in $out: infrakit-group-default infrakit-instance-file infrakit-flavor-vanilla"
