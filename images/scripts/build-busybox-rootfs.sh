#!/usr/bin/env bash
# Builds a minimal busybox rootfs from Debian's busybox-static package into DIR
# (default build/rootfs/busybox): /bin/busybox plus one symlink per applet, the
# directories a sandbox mounts over, and a small /etc. Idempotent.
set -euo pipefail
out=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/rootfs/busybox}

busybox=/bin/busybox
# ldd fails on a static binary: that is what we want inside a rootfs with no libc.
if ! "$busybox" --list >/dev/null 2>&1 || ldd "$busybox" >/dev/null 2>&1; then
  echo "build-busybox-rootfs: need the static $busybox of busybox-static (scripts/setup-deps.sh installs it)" >&2
  exit 1
fi

tmp="$out.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,dev,sys,tmp,root,home,workspace,snapshot,data,var/tmp}
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
cp "$busybox" "$tmp/bin/busybox"
for applet in $("$busybox" --list); do
  [[ "$applet" == busybox ]] && continue
  ln -sf busybox "$tmp/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$tmp/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$tmp/etc/hosts"
: >"$tmp/etc/resolv.conf"

rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$tmp" "$out"
chmod -R a+rX "$out"
echo "$out"
