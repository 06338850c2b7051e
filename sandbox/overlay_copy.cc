#include "sandbox/overlay_copy.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace snaprun::sandbox {
namespace {

constexpr int kMaxDepth = 48;

struct LinuxDirent64 {
  ino64_t d_ino;
  off64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

// The order in which a directory's entries are created in the copy.
enum class Order { kAsListed, kBackwards };

struct CopyRules {
  Order order = Order::kAsListed;
  IdShift shift;
};

int CopyDir(int src, int dst, int depth, const CopyRules& rules);

// The copy's owner, as an idmapped lower would have shown it to the sandbox.
int ShiftOwner(int dir, const char* name, const struct stat& st, const IdShift& shift) {
  if (!shift.enabled || st.st_uid >= shift.count || st.st_gid >= shift.count) return 0;
  uid_t uid = shift.uid + st.st_uid;
  gid_t gid = shift.gid + st.st_gid;
  return fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno;
}

int CopyFile(int src_dir, int dst_dir, const char* name, const struct stat& st) {
  int in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) return errno;
  int out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                   st.st_mode & 07777);
  if (out < 0) {
    int err = errno;
    close(in);
    return err;
  }
  int err = 0;
  for (off_t left = st.st_size; left > 0;) {
    ssize_t n = sendfile(out, in, nullptr, static_cast<size_t>(left));
    if (n <= 0) {
      err = n < 0 ? errno : 0;
      break;
    }
    left -= n;
  }
  close(in);
  close(out);
  return err;
}

// A directory (recursively), a symlink or a regular file.
int CopyNode(int src, int dst, const char* name, const struct stat& st, int depth,
             const CopyRules& rules) {
  if (S_ISDIR(st.st_mode)) {
    if (mkdirat(dst, name, st.st_mode & 07777) != 0 && errno != EEXIST) return errno;
    int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int err = s < 0 || d < 0 ? errno : CopyDir(s, d, depth + 1, rules);
    if (s >= 0) close(s);
    if (d >= 0) close(d);
    return err;
  }
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = readlinkat(src, name, target, sizeof target - 1);
    if (n < 0) return errno;
    target[n] = '\0';
    unlinkat(dst, name, 0);
    return symlinkat(target, dst, name) == 0 ? 0 : errno;
  }
  return CopyFile(src, dst, name, st);
}

int CopyEntry(int src, int dst, const char* name, int depth, const CopyRules& rules) {
  struct stat st;
  if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno;
  // Devices, fifos and sockets are not copied: a scratch tree has no use for them.
  if (!S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode) && !S_ISREG(st.st_mode)) return 0;
  int err = CopyNode(src, dst, name, st, depth, rules);
  return err != 0 ? err : ShiftOwner(dst, name, st, rules.shift);
}

bool IsDotOrDotDot(const char* name) { return strcmp(name, ".") == 0 || strcmp(name, "..") == 0; }

// Calls VISIT(name) for SRC's entries from the start of its listing; stops at the first
// non-zero return, which it returns (or errno of a failed read, or 0 at the end).
template <typename Visit>
int ForEachEntry(int src, Visit visit) {
  if (lseek(src, 0, SEEK_SET) != 0) return errno;
  alignas(8) char buf[4096];
  for (;;) {
    long n = syscall(SYS_getdents64, src, buf, sizeof buf);
    if (n < 0) return errno;
    if (n == 0) return 0;
    for (long pos = 0; pos < n;) {
      auto* entry = reinterpret_cast<LinuxDirent64*>(buf + pos);
      pos += entry->d_reclen;
      if (IsDotOrDotDot(entry->d_name)) continue;
      if (int stop = visit(entry->d_name); stop != 0) return stop;
    }
  }
}

// Backwards without a list to hold the names (nothing may be allocated here): entry
// I is found by listing again, so a directory of N entries costs N listings. Snapshot
// directories are small; this is a reproducibility check, not the fast path.
int CopyDirBackwards(int src, int dst, int depth, const CopyRules& rules) {
  long count = 0;
  if (int err = ForEachEntry(src, [&](const char*) { return ++count, 0; }); err != 0) return err;
  constexpr int kFound = -1;
  for (long wanted = count - 1; wanted >= 0; --wanted) {
    long index = 0;
    int copy_error = 0;
    int err = ForEachEntry(src, [&](const char* name) {
      if (index++ != wanted) return 0;
      copy_error = CopyEntry(src, dst, name, depth, rules);
      return kFound;
    });
    if (err != kFound) return err != 0 ? err : ENOENT;  // the directory changed under us
    if (copy_error != 0) return copy_error;
  }
  return 0;
}

int CopyDir(int src, int dst, int depth, const CopyRules& rules) {
  if (depth > kMaxDepth) return ELOOP;
  if (rules.order == Order::kBackwards) return CopyDirBackwards(src, dst, depth, rules);
  return ForEachEntry(src,
                      [&](const char* name) { return CopyEntry(src, dst, name, depth, rules); });
}

// Whether a directory on this filesystem lists its newest entry first (tmpfs before
// Linux 6.6) rather than in creation order (tmpfs since): probed with two files in a
// scratch directory that is removed again.
bool ListsNewestFirst(int dir_fd) {
  const char* probe = ".snaprun-order-probe";
  if (mkdirat(dir_fd, probe, 0700) != 0) return false;
  int d = openat(dir_fd, probe, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  bool newest_first = false;
  if (d >= 0) {
    for (const char* name : {"1", "2"})
      close(openat(d, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    ForEachEntry(d, [&](const char* name) { return newest_first = strcmp(name, "2") == 0, 1; });
    unlinkat(d, "1", 0);
    unlinkat(d, "2", 0);
    close(d);
  }
  unlinkat(dir_fd, probe, AT_REMOVEDIR);
  return newest_first;
}

}  // namespace

IdShift IdShiftOf(const CommandUserNamespace& userns) {
  return IdShift{true, userns.root_uid, userns.root_gid, userns.id_count};
}

ChildError CopyLowersInto(const MountOp& op, const IdShift& shift, int dest_dir_fd) {
  // A reversed listing: create backwards where the copy lists in creation order, and
  // as listed where it lists newest first.
  CopyRules rules;
  rules.order =
      op.copy_reversed && !ListsNewestFirst(dest_dir_fd) ? Order::kBackwards : Order::kAsListed;
  rules.shift = shift;
  // The copy's root is the mount's root: the sandbox's root owns it, as the lower's.
  if (shift.enabled && fchown(dest_dir_fd, shift.uid, shift.gid) != 0) {
    return Fail(Step::kOverlayFallback, errno, "chown", "copy root");
  }
  for (size_t i = 0; i < op.overlay_lower.size(); ++i) {
    const char* lower = op.overlay_lower[i].c_str();
    int src = open(lower, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (src < 0) return Fail(Step::kOverlayFallback, errno, "open", lower);
    int err = CopyDir(src, dest_dir_fd, 0, rules);
    close(src);
    if (err != 0) return Fail(Step::kOverlayFallback, err, "copy", lower);
  }
  return Success();
}

}  // namespace snaprun::sandbox
