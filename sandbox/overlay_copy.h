// The overlay fallback: when the kernel refuses overlayfs, the lower layers are
// copied (bottom layer first, so upper layers win) into the tmpfs already mounted at
// the target. No allocation: fixed buffers on the stack, depth-limited recursion.
// Whiteouts and xattrs are not interpreted; the copy is plain files, dirs, symlinks.
#pragma once

#include "sandbox/child_error.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

// The copy's owners. Not enabled: the copier's own. Enabled: a lower's uid/gid N (below
// count) becomes uid+N / gid+N, as an idmapped lower would show it to the sandbox.
struct IdShift {
  bool enabled = false;
  uid_t uid = 0;
  gid_t gid = 0;
  uint32_t count = 0;
};

IdShift IdShiftOf(const CommandUserNamespace& userns);

ChildError CopyLowersInto(const MountOp& op, const IdShift& shift, int dest_dir_fd);

}  // namespace snaprun::sandbox
