#include "sandbox/idmapped_mounts.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "sandbox/mounts.h"

namespace snaprun::sandbox {

void IdmappedLowerName(size_t index, char* out, size_t size) {
  snprintf(out, size, ".lower%zu", index);
}

ChildError AttachIdmapped(const char* source, int userns_fd, unsigned long flags,
                          bool recursive, int target_fd, Step step) {
  unsigned int tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
  int tree = static_cast<int>(syscall(SYS_open_tree, AT_FDCWD, source, tree_flags));
  if (tree < 0) return Fail(step, errno, "open_tree", source);
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_IDMAP | MountAttrFromFlags(flags);
  attr.userns_fd = static_cast<__u64>(userns_fd);
  unsigned int at = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  if (syscall(SYS_mount_setattr, tree, "", at, &attr, sizeof attr) != 0) {
    int err = errno;
    close(tree);
    // EINVAL: the filesystem cannot be idmapped (NFS, FUSE and others).
    return Fail(step, err, "idmap", source);
  }
  long rc = syscall(SYS_move_mount, tree, "", target_fd, "",
                    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
  int err = errno;
  close(tree);
  return rc == 0 ? Success() : Fail(step, err, "attach", source);
}

}  // namespace snaprun::sandbox
