#!/usr/bin/env bash
# Builds the InfraKit v0.5 programs the footprint benchmark runs beside this operator (infrakit-group-default,
# infrakit-instance-file, infrakit-flavor-vanilla) with Debian's Go from InfraKit's vendored source, with the
# script the tests against those programs use. A benchmark helper, not part of the product.
#
# Usage: bench/infrakit-go.sh SOURCE OUTDIR   (SOURCE: a git directory of docker/infrakit holding the tag v0.5)
# then:  java -jar bench/target/infrakit-bench.jar footprint --go OUTDIR
set -euo pipefail
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/operator/src/test/go/infrakit-v0.5/build.sh" "$@"
