// The new root: a private mount tree, the rootfs rbind-mounted onto itself, a fresh
// /proc, then pivot_root(".", ".") and a detach of the old root (never chroot alone:
// a chroot leaves the host tree reachable). After the pivot: read-only root, masked
// paths and read-only kernel paths. Async-signal-safe; runs in the child.
#pragma once

#include "sandbox/child_error.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

ChildError MakeMountsPrivate();
// Binds the rootfs onto itself and returns an O_PATH fd of that mount in *root_fd.
ChildError BindRootfs(const ChildPlan& plan, int* root_fd);
ChildError MountProc(int root_fd);
ChildError PivotIntoRoot(int root_fd);
// --no-pivot (roots pivot_root refuses, e.g. on ramfs): moves the root mount onto "/"
// and chroots into it. The host tree stays below, unreachable without CAP_SYS_CHROOT.
ChildError MoveIntoRoot(int root_fd);
ChildError RemountRootReadOnly();
ChildError MaskPaths(const ChildPlan& plan);
ChildError MakePathsReadOnly(const ChildPlan& plan);

}  // namespace snaprun::sandbox
