#!/usr/bin/env bash
# Builds an OCI image layout OUT/layout (tag t) with umoci, in four layers:
#   1. keep/a, gone/x, opq/old, del, bin/tool
#   2. umoci's own whiteouts: del and gone/ deleted, opq/old replaced by opq/new
#   3. a hand-written layer: keep/ made opaque (.wh..wh..opq) with keep/b, a setuid
#      bin/su, a device node dev/null, a file owned by uid 1234, and a hard link
# then copies it with skopeo to OUT/oci.tar (oci-archive) and OUT/docker.tar
# (docker-archive). Offline; needs umoci, skopeo, python3.
set -euo pipefail
out=$1
mkdir -p "$out"
cd "$out"
umoci init --layout layout
umoci new --image layout:t
umoci config --image layout:t --config.env PATH=/bin:/usr/bin --config.cmd /bin/tool \
  --config.workingdir /work --config.user 1000:1000
umoci unpack --rootless --image layout:t bundle >/dev/null
r=bundle/rootfs
mkdir -p $r/keep $r/gone $r/opq $r/bin
echo a >$r/keep/a; echo x >$r/gone/x; echo old >$r/opq/old; echo del >$r/del
printf '#!/bin/sh\necho tool\n' >$r/bin/tool; chmod 755 $r/bin/tool
umoci repack --image layout:t bundle
rm -rf bundle
umoci unpack --rootless --image layout:t bundle >/dev/null
rm -rf $r/del $r/gone $r/opq
mkdir $r/opq; echo new >$r/opq/new
umoci repack --image layout:t bundle
rm -rf bundle
python3 - <<'PY'
import io, tarfile
def add(tf, name, kind=tarfile.REGTYPE, data=b"", mode=0o644, uid=0, link=""):
    ti = tarfile.TarInfo(name); ti.type = kind; ti.mode = mode; ti.uid = uid; ti.gid = uid
    ti.linkname = link; ti.size = len(data) if kind == tarfile.REGTYPE else 0
    if kind == tarfile.CHRTYPE: ti.devmajor, ti.devminor = 1, 3
    tf.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
with tarfile.open("layer3.tar", "w", format=tarfile.PAX_FORMAT) as tf:
    add(tf, "keep", tarfile.DIRTYPE, mode=0o755)
    add(tf, "keep/.wh..wh..opq")
    add(tf, "keep/b", data=b"b\n")
    add(tf, "bin/su", data=b"su\n", mode=0o4755)
    add(tf, "dev", tarfile.DIRTYPE, mode=0o755)
    add(tf, "dev/null", tarfile.CHRTYPE, mode=0o666)
    add(tf, "owned", data=b"owned\n", uid=1234)
    add(tf, "keep/b-link", tarfile.LNKTYPE, link="keep/b")
PY
umoci raw add-layer --image layout:t layer3.tar
rm layer3.tar
umoci gc --layout layout
skopeo copy --quiet oci:layout:t oci-archive:oci.tar:t
skopeo copy --quiet oci:layout:t docker-archive:docker.tar:t:latest
