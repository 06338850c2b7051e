#!/usr/bin/env bash
# Builds a Python 3 rootfs into DIR (default build/rootfs/python) from the files of
# the installed Debian packages (python3-minimal, python3.X-minimal,
# libpython3.X-minimal, libpython3.X-stdlib) plus every shared library their binaries
# and extension modules need (found with ldd). Debian's merged-/usr layout is kept
# (bin, sbin, lib, lib64 are symlinks into usr/). Docs and man pages are left out.
# Import it with: snaprun image import build/rootfs/python --name python
set -euo pipefail
out=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/rootfs/python}

ver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
packages=(python3-minimal "python$ver-minimal" "libpython$ver-minimal" "libpython$ver-stdlib")
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "build-python-rootfs: package $p is not installed (apt-get install python3)" >&2
    exit 1
  fi
done

tmp="$out.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,proc,dev,sys,tmp,root,workspace,snapshot,data}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$tmp/$d"; done
chmod 1777 "$tmp/tmp"

# copy_path PATH: PATH as it is (a symlink stays a symlink), under its real directory.
copy_path() {
  local dir
  dir=$(readlink -f "$(dirname "$1")")
  mkdir -p "$tmp$dir"
  cp -a "$dir/$(basename "$1")" "$tmp$dir/"
}

# Package files, minus documentation.
for p in "${packages[@]}"; do
  dpkg -L "$p" | while read -r f; do
    case "$f" in /usr/share/doc/*|/usr/share/man/*|/usr/share/lintian/*) continue ;; esac
    if [[ -L "$f" || -f "$f" ]]; then copy_path "$f"; fi
  done
done

# Shared libraries of the interpreter and of every extension module, with the
# symlink chains that name them (e.g. /lib64/ld-linux-x86-64.so.2).
mapfile -t objects < <(find "$tmp/usr/bin" "$tmp/usr/lib" -type f \( -perm -u+x -o -name '*.so*' \))
for obj in "${objects[@]}"; do
  { ldd "$obj" 2>/dev/null || true; } | awk '/=> \//{print $3} /^\t\//{print $1}'
done | sort -u | while read -r lib; do
  copy_path "$lib"
  real=$(readlink -f "$lib")
  [[ -e "$tmp$real" ]] || copy_path "$real"
done

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$tmp/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$tmp/etc/hosts"

rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$tmp" "$out"
trap - EXIT
chmod -R a+rX "$out"
echo "$out"
