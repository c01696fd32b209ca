#!/usr/bin/env bash
# Builds a "node" image for a Swarm lab on one machine: a container that runs its own Docker engine. It is made
# FROM scratch out of this machine's own engine binaries, the libraries they link and busybox, so no registry is
# needed. Needs Debian's docker.io and busybox-static.
# Usage: node-image.sh [TAG [BINARY...]]   (default infrakit-lab/node:1; each BINARY is added to /usr/bin too)
set -euo pipefail
tag=${1:-infrakit-lab/node:1}
shift || true
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/root/bin" "$ctx/root/usr/bin" "$ctx/root/etc/docker" "$ctx/root/tmp"
cp /bin/busybox "$ctx/root/bin/busybox"
for b in /usr/sbin/dockerd /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc /usr/bin/docker \
         /usr/sbin/docker-proxy "$@"; do
  cp "$b" "$ctx/root/usr/bin/"
  for lib in $(ldd "$b" 2>/dev/null | grep -o '/[^ ]*lib[^ ]*\.so[.0-9]*' || true); do
    mkdir -p "$ctx/root$(dirname "$lib")"
    cp -L "$lib" "$ctx/root$lib"
  done
done
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY root/ /
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/usr/bin:/bin
DOCKERFILE
docker build -q -t "$tag" "$ctx"
