#include "sandbox/rootfs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "sandbox/mounts.h"

namespace snaprun::sandbox {
namespace {

const char* Relative(const char* absolute) {
  while (*absolute == '/') ++absolute;
  return absolute;
}

}  // namespace

ChildError MakeMountsPrivate() {
  // Without this, mounts made below would propagate to the host's shared peers.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return Fail(Step::kMakeRootPrivate, errno, "make private", "/");
  }
  return Success();
}

ChildError BindRootfs(const ChildPlan& plan, int* root_fd) {
  const char* rootfs = plan.rootfs.c_str();
  // pivot_root needs the new root to be a mount point; the bind makes it one.
  if (mount(rootfs, rootfs, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return Fail(Step::kBindRootfs, errno, "bind", rootfs);
  }
  int fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Fail(Step::kBindRootfs, errno, "open", rootfs);
  *root_fd = fd;
  return Success();
}

ChildError MountProc(int root_fd) {
  int target = -1;
  ChildError e = EnsureMountPoint(root_fd, "proc", false, &target);
  if (e.failed()) return e;
  int rc = MountOnFd("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  int err = errno;
  close(target);
  return rc == 0 ? Success() : Fail(Step::kProc, err, "mount", "/proc");
}

ChildError PivotIntoRoot(int root_fd) {
  if (fchdir(root_fd) != 0) return Fail(Step::kPivotRoot, errno, "chdir", "new root");
  // pivot_root(".", "."): the old root is stacked under the new one at "/", so no
  // put_old directory is needed inside the (possibly read-only) rootfs.
  if (syscall(SYS_pivot_root, ".", ".") != 0) return Fail(Step::kPivotRoot, errno, "pivot_root", ".");
  if (umount2(".", MNT_DETACH) != 0) return Fail(Step::kPivotRoot, errno, "detach", "old root");
  if (chdir("/") != 0) return Fail(Step::kPivotRoot, errno, "chdir", "/");
  return Success();
}

ChildError MoveIntoRoot(int root_fd) {
  if (fchdir(root_fd) != 0) return Fail(Step::kPivotRoot, errno, "chdir", "new root");
  // The moved mount covers the old root at "/"; the chroot makes it this process's root.
  if (mount(".", "/", nullptr, MS_MOVE, nullptr) != 0) {
    return Fail(Step::kPivotRoot, errno, "move the new root onto", "/");
  }
  if (chroot(".") != 0) return Fail(Step::kPivotRoot, errno, "chroot", ".");
  if (chdir("/") != 0) return Fail(Step::kPivotRoot, errno, "chdir", "/");
  return Success();
}

ChildError RemountRootReadOnly() {
  int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return Fail(Step::kRootReadOnly, errno, "open", "/");
  // Not recursive: /tmp, /dev and configured rw binds keep their own flags.
  ChildError e = SetMountFlags(root, "", MS_RDONLY | MS_NOSUID | MS_NODEV, false,
                               Step::kRootReadOnly);
  close(root);
  return e;
}

ChildError MaskPaths(const ChildPlan& plan) {
  int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return Fail(Step::kMaskPaths, errno, "open", "/");
  ChildError e;
  for (size_t i = 0; i < plan.masked_paths.size() && !e.failed(); ++i) {
    const char* rel = Relative(plan.masked_paths[i].c_str());
    int fd = OpenInRoot(root, rel, O_PATH | O_NOFOLLOW);
    if (fd == -ENOENT) continue;  // nothing there to hide
    if (fd < 0) {
      e = Fail(Step::kMaskPaths, -fd, "open", plan.masked_paths[i].c_str());
      break;
    }
    struct stat st;
    int rc = fstat(fd, &st);
    if (rc == 0 && S_ISDIR(st.st_mode)) {
      rc = MountOnFd("tmpfs", fd, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0");
    } else if (rc == 0) {
      rc = MountOnFd("/dev/null", fd, nullptr, MS_BIND, nullptr);
    }
    if (rc != 0) e = Fail(Step::kMaskPaths, errno, "mask", plan.masked_paths[i].c_str());
    close(fd);
  }
  close(root);
  return e;
}

ChildError MakePathsReadOnly(const ChildPlan& plan) {
  int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return Fail(Step::kReadonlyPaths, errno, "open", "/");
  ChildError e;
  for (size_t i = 0; i < plan.readonly_paths.size() && !e.failed(); ++i) {
    const char* rel = Relative(plan.readonly_paths[i].c_str());
    int fd = OpenInRoot(root, rel, O_PATH | O_NOFOLLOW);
    if (fd == -ENOENT) continue;
    if (fd < 0) {
      e = Fail(Step::kReadonlyPaths, -fd, "open", plan.readonly_paths[i].c_str());
      break;
    }
    char path[32];
    ProcFdPath(fd, path);
    // Bind onto itself so the path is a mount whose flags can be changed alone.
    if (mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
      e = Fail(Step::kReadonlyPaths, errno, "bind", plan.readonly_paths[i].c_str());
    } else {
      e = SetMountFlags(root, rel, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, true,
                        Step::kReadonlyPaths);
    }
    close(fd);
  }
  close(root);
  return e;
}

}  // namespace snaprun::sandbox
