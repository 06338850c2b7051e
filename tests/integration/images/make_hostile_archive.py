#!/usr/bin/env python3
"""Writes one hostile tarball: make_hostile_archive.py KIND OUT. Each kind is an
attack the importer must refuse; the entry it must name is printed on stdout."""
import gzip, io, sys, tarfile

def entry(name, kind=tarfile.REGTYPE, data=b"", link="", size=None):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    ti.linkname = link
    ti.size = len(data) if size is None else size
    return ti, (io.BytesIO(data) if kind == tarfile.REGTYPE and data else None)

def write(out, entries, mode="w"):
    with tarfile.open(out, mode, format=tarfile.PAX_FORMAT) as tf:
        for ti, data in entries:
            tf.addfile(ti, data)

def main(kind, out):
    if kind == "traversal":
        write(out, [entry("ok"), entry("../snaprun-escape", data=b"x")]); print("../snaprun-escape")
    elif kind == "absolute":
        write(out, [entry("/tmp/snaprun-absolute", data=b"x")]); print("/tmp/snaprun-absolute")
    elif kind == "symlink-then-file":
        write(out, [entry("etc", tarfile.SYMTYPE, link="/etc"),
                    entry("etc/snaprun-through", data=b"x")]); print("etc/snaprun-through")
    elif kind == "symlink-escape":
        write(out, [entry("a", tarfile.DIRTYPE), entry("a/up", tarfile.SYMTYPE, link="../../etc")])
        print("a/up")
    elif kind == "hardlink-outside":
        write(out, [entry("passwd", tarfile.LNKTYPE, link="/etc/passwd")]); print("passwd")
    elif kind == "hardlink-dotdot":
        write(out, [entry("passwd", tarfile.LNKTYPE, link="../../../../etc/passwd")]); print("passwd")
    elif kind == "many-entries":
        write(out, [entry("f%05d" % i) for i in range(3000)]); print("f02000")
    elif kind == "huge-size":
        # A header promising a terabyte; the content never follows.
        with open(out, "wb") as f:
            f.write(entry("huge", size=1 << 40)[0].tobuf(tarfile.PAX_FORMAT))
        print("huge")
    elif kind == "deep":
        name = "/".join(["d"] * 200)
        write(out, [entry(name, data=b"x")]); print("d/d/d")
    elif kind == "long-name":
        name = "n" * 5000
        write(out, [entry(name, data=b"x")]); print("nnnn")
    elif kind == "ratio":
        ti = tarfile.TarInfo("zeros"); ti.size = 48 << 20
        class Zeros(io.RawIOBase):
            left = ti.size
            def readable(self): return True
            def readinto(self, b):
                n = min(len(b), self.left); b[:n] = bytes(n); self.left -= n; return n
        with tarfile.open(out, "w:gz", compresslevel=9) as tf:
            tf.addfile(ti, io.BufferedReader(Zeros()))
        print("zeros")
    else:
        sys.exit("unknown kind " + kind)

main(sys.argv[1], sys.argv[2])
