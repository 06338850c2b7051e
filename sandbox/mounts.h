// Mount primitives for the child, all relative to an O_PATH fd of the new root so a
// hostile rootfs cannot redirect them: targets are opened with openat2(RESOLVE_IN_ROOT
// | RESOLVE_NO_MAGICLINKS) (symlinks resolve inside the root, never out of it) and
// mounted onto /proc/self/fd/N of that fd. Missing mount points are created one
// component at a time under an fd already inside the root. Async-signal-safe.
#pragma once

#include <cstdint>

#include "sandbox/child_error.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

// openat2(ROOT_FD, REL, FLAGS|O_CLOEXEC, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS):
// an fd, or -errno.
int OpenInRoot(int root_fd, const char* rel, int flags);

// Opens (O_PATH) the mount target REL, creating missing directories (and the final
// file when AS_FILE) inside the root. *out_fd receives the fd.
ChildError EnsureMountPoint(int root_fd, const char* rel, bool as_file, int* out_fd);

// mount(2) of SOURCE/FSTYPE onto the O_PATH fd TARGET_FD.
int MountOnFd(const char* source, int target_fd, const char* fstype, unsigned long flags,
              const char* data);

// Sets ro/nosuid/nodev/noexec (MS_* bits of FLAGS) on the mount rooted at REL.
// mount_setattr only adds attributes, so flags the kernel locked for the user
// namespace (e.g. nosuid inherited from the host) are never cleared by accident.
ChildError SetMountFlags(int root_fd, const char* rel, unsigned long flags, bool recursive,
                         Step step);

// MOUNT_ATTR_* for the MS_RDONLY/NOSUID/NODEV/NOEXEC bits of FLAGS.
unsigned long long MountAttrFromFlags(unsigned long flags);

// One configured mount. Sets kFallbackOverlayCopy in *fallbacks when taken. USERNS
// (fd set, or -1) idmaps the mounts marked idmap.
ChildError ApplyMountOp(int root_fd, const MountOp& op, const CommandUserNamespace& userns,
                        uint64_t* fallbacks);

}  // namespace snaprun::sandbox
