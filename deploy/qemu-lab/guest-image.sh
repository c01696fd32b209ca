#!/usr/bin/env bash
# Builds a small Linux guest for the qemu instance plugin: Debian's current kernel and a busybox initramfs (about
# 2 MB) that boots in seconds without KVM. The guest follows the plugin's conventions: it runs the flavor's init
# script from the config drive (a FAT disk labelled "cidata": user-data, meta-data), keeps its data on the disk whose
# serial is "infrakit-disk" (formatted ext2 on first boot, mounted on /data), gets an address by DHCP when it has a
# network card, and powers off cleanly on the ACPI power button (QMP system_powerdown).
#
# Needs apt (to download the kernel package; nothing is installed) and busybox-static.
# Usage: guest-image.sh OUTDIR   ->   OUTDIR/vmlinuz, OUTDIR/initramfs.cpio.gz, OUTDIR/kernel-version
# A directory that already holds a complete guest is left as it is. KERNEL_DEB=file.deb uses a package already
# downloaded.
set -euo pipefail
out=${1:?usage: guest-image.sh OUTDIR}
if [ -s "$out/vmlinuz" ] && [ -s "$out/initramfs.cpio.gz" ] && [ -s "$out/kernel-version" ]; then
  exit 0
fi
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

deb=${KERNEL_DEB:-}
if [ -z "$deb" ]; then
  # The package linux-image-amd64 points at, e.g. linux-image-6.1.0-57-amd64.
  resolve() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}'; }
  pkg=$(resolve)
  if [ -z "$pkg" ]; then
    apt-get update -qq >/dev/null 2>&1 || true # a machine whose package lists were never fetched
    pkg=$(resolve)
  fi
  [ -n "$pkg" ] || { echo "guest-image: cannot resolve linux-image-amd64 with apt-cache" >&2; exit 1; }
  (cd "$work" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null)
  deb=$(ls "$work"/linux-image-*.deb)
fi

# Modules the guest loads, in dependency order (Debian builds these drivers as modules).
modules="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk
failover net_failover virtio_net crc16 mbcache jbd2 crc32c_generic ext4 fat vfat nls_cp437 nls_ascii
button evdev"
patterns=("./boot/vmlinuz-*")
for m in $modules; do
  patterns+=("./lib/modules/*/$m.ko")
done
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" --wildcards "${patterns[@]}"
kernel=$(ls "$work"/boot/vmlinuz-* 2>/dev/null | head -1)
[ -n "$kernel" ] || { echo "guest-image: no /boot/vmlinuz-* in $deb" >&2; exit 1; }
version=${kernel##*/vmlinuz-}

root="$work/root"
mkdir -p "$root"/{bin,dev,proc,sys,run,tmp,data,etc/acpi/PWRF,lib/modules,usr/share/udhcpc}
cp /bin/busybox "$root/bin/busybox"
for m in $modules; do
  ko=$(find "$work/lib/modules" -name "$m.ko" | head -1)
  [ -n "$ko" ] || { echo "guest-image: module $m.ko not in $deb" >&2; exit 1; }
  cp "$ko" "$root/lib/modules/"
done
echo "$modules" | tr ' ' '\n' | grep -v '^$' > "$root/lib/modules/load"

cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /lib/modules/load); do insmod /lib/modules/$m.ko 2>/dev/null; done
exec /bin/init
INIT
cat > "$root/etc/inittab" <<'INITTAB'
::sysinit:/etc/rc
::respawn:/bin/acpid -f -l /dev/null
ttyS0::respawn:/bin/cttyhack /bin/sh
::shutdown:/bin/sync
::shutdown:/bin/umount -a -r
INITTAB
cat > "$root/etc/rc" <<'RC'
#!/bin/sh
# Config drive: the flavor's init script and the instance's identity.
mkdir -p /run/config
drive=$(findfs LABEL=cidata 2>/dev/null)
[ -n "$drive" ] && mount -t vfat -o ro "$drive" /run/config
name=$(sed -n 's/^local-hostname: *//p' /run/config/meta-data 2>/dev/null)
hostname "${name:-guest}"
# The instance's disk: formatted on first boot, kept across replacements.
for b in /sys/block/vd*; do
  [ "$(cat "$b/serial" 2>/dev/null)" = infrakit-disk ] && disk=/dev/${b##*/}
done
if [ -n "$disk" ]; then
  magic=$(dd if="$disk" bs=2 skip=540 count=1 2>/dev/null | hexdump -e '1/2 "%04x"')
  [ "$magic" = ef53 ] || mke2fs -q "$disk"
  mount -t ext2 "$disk" /data
fi
ip link set lo up
if ip link show eth0 >/dev/null 2>&1; then
  ip link set eth0 up
  udhcpc -q -n -i eth0 -s /usr/share/udhcpc/default.script >/dev/null 2>&1
fi
echo "infrakit-guest: up in $(cut -d' ' -f1 /proc/uptime)s, kernel $(uname -r)"
if [ -s /run/config/user-data ]; then
  (cd /tmp && sh /run/config/user-data; echo "infrakit-guest: init script exited with $?") </dev/null &
fi
RC
cat > "$root/usr/share/udhcpc/default.script" <<'DHCP'
#!/bin/sh
case "$1" in
  bound|renew)
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}"
    for d in $dns; do echo "nameserver $d"; done > /etc/resolv.conf ;;
esac
DHCP
printf '#!/bin/sh\npoweroff\n' > "$root/etc/acpi/PWRF/00000080"
chmod +x "$root/init" "$root/etc/rc" "$root/usr/share/udhcpc/default.script" "$root/etc/acpi/PWRF/00000080"

(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -9 > "$work/initramfs.cpio.gz"
cp "$kernel" "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$work/initramfs.cpio.gz" "$out/initramfs.cpio.gz"
echo "$version" > "$out/kernel-version"
echo "guest-image: kernel $version, initramfs $(du -h "$out/initramfs.cpio.gz" | cut -f1) in $out"
