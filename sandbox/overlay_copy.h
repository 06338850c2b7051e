// The overlay fallback: when the kernel refuses overlayfs, the lower layers are
// copied (bottom layer first, so upper layers win) into the tmpfs already mounted at
// the target. No allocation: fixed buffers on the stack, depth-limited recursion.
// Whiteouts and xattrs are not interpreted; the copy is plain files, dirs, symlinks.
#pragma once

#include "sandbox/child_error.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

ChildError CopyLowersInto(const MountOp& op, int dest_dir_fd);

}  // namespace snaprun::sandbox
