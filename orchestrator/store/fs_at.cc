#include "orchestrator/store/fs_at.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "sandbox/base/syscall.h"

namespace snaprun::orchestrator {
namespace {

std::vector<std::string> SplitPath(const std::string& rel) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) slash = rel.size();
    if (slash > start) parts.push_back(rel.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

Result<UniqueFd> OpenAt(int dir_fd, const std::string& name, int flags, const std::string& shown) {
  UniqueFd fd(RetryOnEintr([&] { return ::openat(dir_fd, name.c_str(), flags | O_CLOEXEC); }));
  if (!fd) {
    Error e = Error::FromErrno("open", shown);
    if (e.sys_errno() == ENOENT) return Error(ErrorCode::kNotFound, e.message(), ENOENT);
    return e;
  }
  return fd;
}

}  // namespace

std::string LastComponent(const std::string& rel) {
  std::vector<std::string> parts = SplitPath(rel);
  return parts.empty() ? std::string() : parts.back();
}

Result<UniqueFd> OpenParentBeneath(int dir_fd, const std::string& rel, const std::string& shown) {
  std::vector<std::string> parts = SplitPath(rel);
  if (parts.empty()) return Error(ErrorCode::kInvalidInput, "empty path beneath " + shown);
  UniqueFd current(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
  if (!current) return Error::FromErrno("dup", shown);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] == ".." || parts[i] == ".") {
      return Error(ErrorCode::kInvalidInput, "path " + rel + " leaves " + shown);
    }
    current = SNAPRUN_TRY(
        OpenAt(current.get(), parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW, shown + "/" + rel));
  }
  return current;
}

// One openat2() when the kernel has it (5.6+) and the path fits; -1 with errno otherwise.
int OpenAt2Beneath(int dir_fd, const std::string& rel, int flags) {
  if (rel.size() >= PATH_MAX / 2) {
    errno = ENAMETOOLONG;
    return -1;
  }
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_NOFOLLOW | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  return RetryOnEintr([&] {
    return static_cast<int>(::syscall(SYS_openat2, dir_fd, rel.c_str(), &how, sizeof how));
  });
}

Result<UniqueFd> OpenBeneath(int dir_fd, const std::string& rel, int flags,
                             const std::string& shown) {
  UniqueFd fast(OpenAt2Beneath(dir_fd, rel, flags));
  if (fast) return fast;
  if (errno == ENOENT) {
    return Error(ErrorCode::kNotFound, Error::FromErrno("open", shown + "/" + rel).message(),
                 ENOENT);
  }
  if (errno != ENOSYS && errno != ENAMETOOLONG && errno != EXDEV && errno != ELOOP &&
      errno != EAGAIN) {
    return Error::FromErrno("open", shown + "/" + rel);
  }
  // Component by component: older kernels, and paths longer than one call may take.
  UniqueFd parent = SNAPRUN_TRY(OpenParentBeneath(dir_fd, rel, shown));
  std::string leaf = LastComponent(rel);
  if (leaf == ".." || leaf == ".") {
    return Error(ErrorCode::kInvalidInput, "path " + rel + " leaves " + shown);
  }
  return OpenAt(parent.get(), leaf, flags | O_NOFOLLOW, shown + "/" + rel);
}

Result<UniqueFd> OpenDirectory(const std::string& dir) {
  UniqueFd fd(
      RetryOnEintr([&] { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); }));
  if (!fd) {
    Error e = Error::FromErrno("open directory", dir);
    if (e.sys_errno() == ENOENT) return Error(ErrorCode::kNotFound, e.message(), ENOENT);
    return e;
  }
  return fd;
}

Result<void> RemoveTreeAt(int dir_fd, const std::string& name) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return Ok();
    return Error::FromErrno("stat", name);
  }
  if (S_ISDIR(st.st_mode)) {
    ::fchmodat(dir_fd, name.c_str(), 0700, 0);
    UniqueFd fd = SNAPRUN_TRY(OpenAt(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, name));
    DIR* dir = ::fdopendir(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0));
    if (dir == nullptr) return Error::FromErrno("opendir", name);
    std::vector<std::string> children;
    while (dirent* d = ::readdir(dir)) {
      std::string child = d->d_name;
      if (child != "." && child != "..") children.push_back(child);
    }
    ::closedir(dir);
    for (const std::string& child : children) SNAPRUN_TRY(RemoveTreeAt(fd.get(), child));
    if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0) return Error::FromErrno("rmdir", name);
    return Ok();
  }
  if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
    return Error::FromErrno("unlink", name);
  }
  return Ok();
}

Result<void> MakeDirectories(const std::string& path, mode_t mode) {
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) {
      return Error::FromErrno("mkdir", prefix);
    }
  }
  return Ok();
}

}  // namespace snaprun::orchestrator
