#!/bin/sh
# The container image's file system below the application, made from this machine's own files so that building
# the image needs neither a Docker engine nor a registry:
#   /opt/java         a Java runtime cut down with jlink from the JDK running the build
#   /lib, /lib64 ...  the shared libraries that runtime links (found with ldd), copied as regular files
#   /bin/busybox      for health checks and debugging (Debian's busybox-static, no libraries)
#   /bin/infrakit     the CLI, for 'docker exec CONTAINER infrakit leader'
#   /etc/passwd       the unprivileged user 65532 (infrakit) the operator runs as
#   /var/lib/infrakit INFRAKIT_HOME: file plugin instances and plugin sockets
# Jib lays the application on top (operator/pom.xml, profile "image").
#
#   /bin/infrakit-operator  the entry point: the operator with /etc/infrakit/jvm.options and a class-data archive
#   /etc/infrakit/jvm.options  the operator's JVM settings (deploy/jvm.options; mount another file to change them)
#   /etc/infrakit/jvm.env      the JVM's environment (deploy/jvm.env, beside jvm.options); -e NAME=value wins
#
# Usage: rootfs.sh OUTPUT_DIR JAVA_HOME JVM_OPTIONS [BUSYBOX]
set -eu

out=$1
jdk=$2
jvm_options=$3
busybox=${4:-/bin/busybox}

# The modules the operator needs: 'jdeps --print-module-deps' on the shaded jar, plus the service providers
# jdeps cannot see (EC keys for TLS, DNS lookups through JNDI, the locale and charset data of a full JDK).
modules=java.base,java.compiler,java.desktop,java.naming,java.net.http,java.security.jgss,java.sql
modules=$modules,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported
modules=$modules,jdk.crypto.ec,jdk.naming.dns,jdk.charsets,jdk.zipfs

fail() {
  echo "rootfs.sh: $*" >&2
  exit 1
}
[ -x "$jdk/bin/jlink" ] || fail "no jlink in $jdk (a JDK 17, not a JRE, must run the build)"
[ -d "$jdk/jmods" ] || fail "no $jdk/jmods: install the JDK's jmods (Debian: openjdk-17-jdk-headless)"
[ -r "$jvm_options" ] || fail "no $jvm_options"
[ -x "$busybox" ] || fail "no $busybox: install a static busybox (Debian: busybox-static)"
command -v ldd >/dev/null || fail "no ldd"

rm -rf "$out"
mkdir -p "$out"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --generate-cds-archive \
  --output "$out/opt/java"
# The CDS archive for heaps above 32 GB (no compressed oops) is never used at the operator's size.
rm -f "$out/opt/java/lib/server/classes_nocoops.jsa"

# Debian's JDK keeps the CA bundle outside the JDK behind a symlink; jlink may copy the link or nothing.
cacerts="$out/opt/java/lib/security/cacerts"
if [ -L "$cacerts" ] || [ ! -e "$cacerts" ]; then
  rm -f "$cacerts"
  if [ -r "$jdk/lib/security/cacerts" ]; then
    cp -L "$jdk/lib/security/cacerts" "$cacerts"
  fi
fi

mkdir -p "$out/bin"
cp -L "$busybox" "$out/bin/busybox"

# java.desktop is there for java.beans (used by libraries); the operator is headless, so the native halves of AWT,
# sound and fonts go, and with them the X11, ALSA and font libraries they would pull in.
for lib in libawt libawt_xawt libawt_headless libjawt libsplashscreen libjsound libfontmanager liblcms libjavajpeg \
  libmlib_image; do
  rm -f "$out/opt/java/lib/$lib.so"
done

# Every library the runtime's programs and libraries link, at the path the loader looks for it, as a regular file.
libraries=$(
  find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) | while read -r f; do
    ldd "$f" 2>/dev/null || true
  done | awk '{ for (i = 1; i < NF; i++) if ($i ~ /^\// && $(i + 1) ~ /^\(0x/) print $i }' | sort -u
)
for lib in $libraries; do
  case "$lib" in
    "$out"/*) continue ;;   # the runtime's own libraries
  esac
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
# glibc loads libgcc_s when a thread unwinds (pthread_exit, cancellation), without an ldd-visible link.
for lib in /lib/x86_64-linux-gnu/libgcc_s.so.1 /lib/aarch64-linux-gnu/libgcc_s.so.1; do
  if [ -r "$lib" ] && [ -d "$out$(dirname "$lib")" ]; then
    cp -L "$lib" "$out$lib"
  fi
done

# 'infrakit' for commands run in a replica's container: docker exec CONTAINER infrakit leader
cat >"$out/bin/infrakit" <<'CLI'
#!/bin/busybox sh
# The CLI on the image's classpath, with a small heap beside the operator's (same settings from the environment).
exec /opt/java/bin/java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx96m -cp @/app/jib-classpath-file \
  io.infrakit.operator.cli.Main "$@"
CLI

# The operator. A class-data sharing archive of the classes it loads is written into the state directory (a volume,
# kept across restarts) when the first 'up' of this image stops, and mapped by every later start: a quicker start. The archive is named after the image's classpath and application jar, so another image writes
# its own; one cut short (the container killed while writing it) has no header and is written again.
cat >"$out/bin/infrakit-operator" <<'OPERATOR'
#!/bin/busybox sh
home=${INFRAKIT_HOME:-/var/lib/infrakit}
key=$(/bin/busybox cat /app/jib-classpath-file /app/classpath/*.jar | /bin/busybox md5sum | /bin/busybox cut -c1-12)
jsa="$home/infrakit-$key.jsa"
if [ -f "$jsa" ] && [ "$(/bin/busybox od -An -tx1 -N4 "$jsa" | /bin/busybox tr -d ' ')" != "a8ab0bf0" ]; then
  /bin/busybox rm -f "$jsa"
fi
if [ -f "$jsa" ]; then
  cds="-XX:SharedArchiveFile=$jsa"
elif [ "${1:-}" = up ] && [ -w "$home" ]; then
  /bin/busybox rm -f "$home"/infrakit-*.jsa
  cds="-XX:ArchiveClassesAtExit=$jsa"
fi
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-$(/bin/busybox sed -n 's/^MALLOC_ARENA_MAX=//p' /etc/infrakit/jvm.env)}"
exec /opt/java/bin/java @/etc/infrakit/jvm.options -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off $cds \
  -cp @/app/jib-classpath-file io.infrakit.operator.cli.Main "$@"
OPERATOR

mkdir -p "$out/etc/infrakit" "$out/tmp" "$out/var/lib/infrakit"
cp "$jvm_options" "$out/etc/infrakit/jvm.options"
cp "$(dirname "$jvm_options")/jvm.env" "$out/etc/infrakit/jvm.env"
cat >"$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
infrakit:x:65532:65532:infrakit:/var/lib/infrakit:/sbin/nologin
PASSWD
cat >"$out/etc/group" <<'GROUP'
root:x:0:
infrakit:x:65532:
GROUP
echo "hosts: files dns" >"$out/etc/nsswitch.conf"
