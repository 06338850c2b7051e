#include "sandbox/mounts.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/base/syscall.h"
#include "sandbox/idmapped_mounts.h"
#include "sandbox/overlay_copy.h"

namespace snaprun::sandbox {
namespace {

constexpr uint64_t kResolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

// Creates every missing directory of REL (the last one too unless LAST_IS_FILE). Each
// parent is resolved inside the root and each new name is a single component, so
// mkdirat never walks a symlink: an existing one is left to the next resolution.
int CreateComponents(int root_fd, const char* rel, bool last_is_file) {
  const size_t len = strnlen(rel, 4095);
  size_t start = 0;
  while (start < len) {
    size_t end = start;
    while (end < len && rel[end] != '/') ++end;
    if (end == len && last_is_file) break;
    char name[256];
    char parent[4096];
    size_t n = end - start;
    if (n >= sizeof name) return ENAMETOOLONG;
    if (n > 0) {
      memcpy(name, rel + start, n);
      name[n] = '\0';
      memcpy(parent, rel, start);
      parent[start > 0 ? start - 1 : 0] = '\0';  // drop the trailing '/'
      int parent_fd = OpenInRoot(root_fd, start > 0 ? parent : ".", O_PATH | O_DIRECTORY);
      if (parent_fd < 0) return -parent_fd;
      int rc = mkdirat(parent_fd, name, 0755) == 0 || errno == EEXIST ? 0 : errno;
      close(parent_fd);
      if (rc != 0) return rc;
    }
    start = end + 1;
  }
  return 0;
}

int CreateFinalFile(int root_fd, const char* rel) {
  const char* slash = strrchr(rel, '/');
  char parent_path[4096] = {};
  if (slash != nullptr) memcpy(parent_path, rel, static_cast<size_t>(slash - rel));
  int parent = OpenInRoot(root_fd, slash != nullptr ? parent_path : ".", O_PATH | O_DIRECTORY);
  if (parent < 0) return -parent;
  const char* name = slash != nullptr ? slash + 1 : rel;
  int fd = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  int rc = fd >= 0 || errno == EEXIST ? 0 : errno;
  if (fd >= 0) close(fd);
  close(parent);
  return rc;
}

ChildError MountBind(int root_fd, const MountOp& op, const CommandUserNamespace& userns) {
  struct stat st;
  if (stat(op.source.c_str(), &st) != 0)
    return Fail(Step::kMount, errno, "stat", op.source.c_str());
  int target = -1;
  ChildError e = EnsureMountPoint(root_fd, op.target.c_str(), !S_ISDIR(st.st_mode), &target);
  if (e.failed()) return e;
  if (op.idmap) {
    e = AttachIdmapped(op.source.c_str(), userns.fd, op.remount_flags, op.flags & MS_REC,
                       target, Step::kMount);
    close(target);
    return e;
  }
  int rc = MountOnFd(op.source.c_str(), target, nullptr, op.flags, nullptr);
  int err = errno;
  close(target);
  if (rc != 0) return Fail(Step::kMount, err, "bind", op.source.c_str());
  if (op.remount_flags == 0) return Success();
  return SetMountFlags(root_fd, op.target.c_str(), op.remount_flags, op.flags & MS_REC,
                       Step::kMount);
}

ChildError MountFilesystem(int root_fd, const MountOp& op, const char* data) {
  int target = -1;
  ChildError e = EnsureMountPoint(root_fd, op.target.c_str(), false, &target);
  if (e.failed()) return e;
  int rc = MountOnFd(op.fstype.c_str(), target, op.fstype.c_str(), op.flags, data);
  int err = errno;
  close(target);
  if (rc != 0) return Fail(Step::kMount, err, "mount", op.target.c_str());
  return Success();
}

// An idmapped overlay's lowers, attached read-only in the scratch tmpfs (as the plan's
// lowerdir names them), and its upper owned by the sandbox's root.
ChildError AttachIdmappedLowers(const MountOp& op, const CommandUserNamespace& userns, int tmp) {
  const size_t count = op.overlay_lower.size();
  for (size_t i = 0; i < count; ++i) {
    char name[32];
    IdmappedLowerName(i, name, sizeof name);
    if (mkdirat(tmp, name, 0700) != 0) return Fail(Step::kOverlay, errno, "mkdir", name);
    int target = openat(tmp, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (target < 0) return Fail(Step::kOverlay, errno, "open", name);
    // op.overlay_lower is bottom first; lowerdir (and so the names) topmost first.
    ChildError e = AttachIdmapped(op.overlay_lower[count - 1 - i].c_str(), userns.fd,
                                  MS_RDONLY | MS_NOSUID | MS_NODEV, true, target,
                                  Step::kOverlay);
    close(target);
    if (e.failed()) return e;
  }
  if (fchownat(tmp, "upper", userns.root_uid, userns.root_gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return Fail(Step::kOverlay, errno, "chown", "upper");
  }
  return Success();
}

// Overlay: a tmpfs at the target holds upper/ and work/; the overlay then covers it.
// If the kernel refuses overlayfs here (EPERM/EINVAL rootless on some filesystems),
// the lower layers are copied into that tmpfs instead and the fallback recorded.
ChildError MountOverlay(int root_fd, const MountOp& op, const CommandUserNamespace& userns,
                        uint64_t* fallbacks) {
  int target = -1;
  ChildError e = EnsureMountPoint(root_fd, op.target.c_str(), false, &target);
  if (e.failed()) return e;
  int rc = MountOnFd("tmpfs", target, "tmpfs", op.flags & ~MS_RDONLY, op.scratch_data.c_str());
  int err = errno;
  close(target);
  if (rc != 0) return Fail(Step::kOverlay, err, "mount scratch tmpfs", op.target.c_str());
  int tmp = OpenInRoot(root_fd, op.target.c_str(), O_RDONLY | O_DIRECTORY);
  if (tmp < 0) return Fail(Step::kOverlay, -tmp, "open", op.target.c_str());
  const IdShift shift = op.idmap ? IdShiftOf(userns) : IdShift{};
  if (op.copy_reversed) {
    e = CopyLowersInto(op, shift, tmp);
    close(tmp);
    return e;
  }
  struct stat via_fd, via_path;
  // The overlay options name the scratch dirs by host path: it must be this tmpfs.
  bool same = fstat(tmp, &via_fd) == 0 && stat(op.host_target.c_str(), &via_path) == 0 &&
              via_fd.st_dev == via_path.st_dev && via_fd.st_ino == via_path.st_ino;
  if (!same || mkdirat(tmp, "upper", 0755) != 0 || mkdirat(tmp, "work", 0755) != 0) {
    err = same ? errno : EXDEV;
    close(tmp);
    return Fail(Step::kOverlay, err, "prepare upper", op.host_target.c_str());
  }
  if (op.idmap) {
    e = AttachIdmappedLowers(op, userns, tmp);
    if (e.failed()) {
      close(tmp);
      return e;
    }
  }
  rc = mount("overlay", op.host_target.c_str(), "overlay", op.flags, op.data.c_str());
  err = errno;
  if (rc == 0 || !op.overlay_copy_fallback || (err != EPERM && err != EINVAL)) {
    close(tmp);
    return rc == 0 ? Success() : Fail(Step::kOverlay, err, "mount overlay", op.target.c_str());
  }
  *fallbacks |= kFallbackOverlayCopy;
  // The scratch dirs made for the overlay would otherwise show up in the copy.
  unlinkat(tmp, "work/work", AT_REMOVEDIR);
  unlinkat(tmp, "work", AT_REMOVEDIR);
  unlinkat(tmp, "upper", AT_REMOVEDIR);
  e = CopyLowersInto(op, shift, tmp);
  close(tmp);
  return e;
}

}  // namespace

int OpenInRoot(int root_fd, const char* rel, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = kResolve;
  if (rel[0] == '\0') rel = ".";
  long fd = RetryOnEintr([&] { return syscall(SYS_openat2, root_fd, rel, &how, sizeof how); });
  return fd < 0 ? -errno : static_cast<int>(fd);
}

ChildError EnsureMountPoint(int root_fd, const char* rel, bool as_file, int* out_fd) {
  int fd = OpenInRoot(root_fd, rel, O_PATH);
  if (fd == -ENOENT) {
    int err = CreateComponents(root_fd, rel, as_file);
    if (err == 0 && as_file) err = CreateFinalFile(root_fd, rel);
    if (err != 0) return Fail(Step::kMountPoint, err, "create", rel);
    fd = OpenInRoot(root_fd, rel, O_PATH);
  }
  if (fd < 0) return Fail(Step::kMountPoint, -fd, "open", rel);
  *out_fd = fd;
  return Success();
}

int MountOnFd(const char* source, int target_fd, const char* fstype, unsigned long flags,
              const char* data) {
  char path[32];
  return mount(source, ProcFdPath(target_fd, path), fstype, flags, data);
}

ChildError SetMountFlags(int root_fd, const char* rel, unsigned long flags, bool recursive,
                         Step step) {
  // Reopen: an fd taken before the mount points at the covered directory, not the mount.
  int fd = OpenInRoot(root_fd, rel, O_PATH);
  if (fd < 0) return Fail(step, -fd, "open", rel);
  mount_attr attr{};
  attr.attr_set = MountAttrFromFlags(flags);
  int rc =
      mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr);
  int err = errno;
  close(fd);
  return rc == 0 ? Success() : Fail(step, err, "remount", rel[0] ? rel : "/");
}

unsigned long long MountAttrFromFlags(unsigned long flags) {
  unsigned long long attr = 0;
  if (flags & MS_RDONLY) attr |= MOUNT_ATTR_RDONLY;
  if (flags & MS_NOSUID) attr |= MOUNT_ATTR_NOSUID;
  if (flags & MS_NODEV) attr |= MOUNT_ATTR_NODEV;
  if (flags & MS_NOEXEC) attr |= MOUNT_ATTR_NOEXEC;
  return attr;
}

ChildError ApplyMountOp(int root_fd, const MountOp& op, const CommandUserNamespace& userns,
                        uint64_t* fallbacks) {
  switch (op.type) {
    case MountType::kBind:
      return MountBind(root_fd, op, userns);
    case MountType::kOverlay:
      return MountOverlay(root_fd, op, userns, fallbacks);
    default:
      return MountFilesystem(root_fd, op, op.data.empty() ? nullptr : op.data.c_str());
  }
}

}  // namespace snaprun::sandbox
