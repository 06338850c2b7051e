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

int CopyDir(int src, int dst, int depth);

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

int CopyEntry(int src, int dst, const char* name, int depth) {
  struct stat st;
  if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno;
  if (S_ISDIR(st.st_mode)) {
    if (mkdirat(dst, name, st.st_mode & 07777) != 0 && errno != EEXIST) return errno;
    int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int err = s < 0 || d < 0 ? errno : CopyDir(s, d, depth + 1);
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
  if (S_ISREG(st.st_mode)) return CopyFile(src, dst, name, st);
  return 0;  // devices, fifos and sockets are not copied: a scratch tree has no use for them
}

int CopyDir(int src, int dst, int depth) {
  if (depth > kMaxDepth) return ELOOP;
  alignas(8) char buf[4096];
  for (;;) {
    long n = syscall(SYS_getdents64, src, buf, sizeof buf);
    if (n < 0) return errno;
    if (n == 0) return 0;
    for (long pos = 0; pos < n;) {
      auto* entry = reinterpret_cast<LinuxDirent64*>(buf + pos);
      pos += entry->d_reclen;
      if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
      if (int err = CopyEntry(src, dst, entry->d_name, depth); err != 0) return err;
    }
  }
}

}  // namespace

ChildError CopyLowersInto(const MountOp& op, int dest_dir_fd) {
  for (size_t i = 0; i < op.overlay_lower.size(); ++i) {
    const char* lower = op.overlay_lower[i].c_str();
    int src = open(lower, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (src < 0) return Fail(Step::kOverlayFallback, errno, "open", lower);
    int err = CopyDir(src, dest_dir_fd, 0);
    close(src);
    if (err != 0) return Fail(Step::kOverlayFallback, err, "copy", lower);
  }
  return Success();
}

}  // namespace snaprun::sandbox
