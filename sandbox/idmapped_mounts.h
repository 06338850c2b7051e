// Idmapped bind mounts (mount_setattr MOUNT_ATTR_IDMAP, Linux 5.12+): a clone of a host
// tree whose file owners are shown through a user namespace's maps, so host uid 0's
// files belong to the sandbox's root while the sandbox's root is an unprivileged host
// uid. Made by the child while it is still host root (creating one needs
// CAP_SYS_ADMIN over the source's filesystem). Async-signal-safe.
#pragma once

#include <cstddef>

#include "sandbox/child_error.h"

namespace snaprun::sandbox {

// Where an overlay's Nth idmapped lower is attached inside its scratch tmpfs.
void IdmappedLowerName(size_t index, char* out, size_t size);

// Clones SOURCE (with its submounts when RECURSIVE), maps it through USERNS_FD, sets
// the MS_* bits of FLAGS (ro/nosuid/nodev/noexec) and attaches it on TARGET_FD (an
// O_PATH fd in this mount namespace).
ChildError AttachIdmapped(const char* source, int userns_fd, unsigned long flags,
                          bool recursive, int target_fd, Step step);

}  // namespace snaprun::sandbox
