#include "images/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "sandbox/base/syscall.h"

namespace snaprun::images {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Result<std::vector<std::string>> ListNames(int dirfd) {
  int dup = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return Error::FromErrno("dup", "directory");
  DIR* dir = ::fdopendir(dup);
  if (dir == nullptr) {
    ::close(dup);
    return Error::FromErrno("fdopendir", "directory");
  }
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(dir);
  return names;
}

Result<void> EmptyDirectory(int dirfd) {
  std::vector<std::string> names = SNAPRUN_TRY(ListNames(dirfd));
  for (const std::string& name : names) SNAPRUN_TRY(RemoveTreeAt(dirfd, name));
  return Ok();
}

}  // namespace

Result<UniqueFd> OpenDirAt(int dirfd, const std::string& name) {
  UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open directory", name);
  return fd;
}

Result<UniqueFd> OpenBeneath(int root_fd, const std::string& path, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
  if (fd < 0) return Error::FromErrno("open", path);
  return UniqueFd(static_cast<int>(fd));
}

Result<void> RemoveTreeAt(int dirfd, const std::string& name) {
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return Ok();
    return Error::FromErrno("stat", name);
  }
  if (S_ISDIR(st.st_mode)) {
    if ((st.st_mode & S_IRWXU) != S_IRWXU) ::fchmodat(dirfd, name.c_str(), st.st_mode | S_IRWXU, 0);
    UniqueFd child = SNAPRUN_TRY(OpenDirAt(dirfd, name));
    SNAPRUN_TRY_CTX(EmptyDirectory(child.get()), "removing " + name);
  }
  int flags = S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0;
  if (::unlinkat(dirfd, name.c_str(), flags) != 0 && errno != ENOENT) {
    return Error::FromErrno("remove", name);
  }
  return Ok();
}

Result<void> RemoveTree(const std::string& path) {
  UniqueFd parent(::open(DirName(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!parent) {
    if (errno == ENOENT) return Ok();
    return Error::FromErrno("open directory", DirName(path));
  }
  return RemoveTreeAt(parent.get(), BaseName(path));
}

Result<std::string> ReadAll(int fd, size_t max_bytes, const std::string& what) {
  std::string text;
  char buffer[65536];
  while (true) {
    ssize_t n = RetryOnEintr([&] { return ::read(fd, buffer, sizeof buffer); });
    if (n < 0) return Error::FromErrno("read", what);
    if (n == 0) return text;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > max_bytes) {
      return Error(ErrorCode::kLimitExceeded,
                   what + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
}

Result<std::string> MakeTempDir(const std::string& parent, const std::string& prefix) {
  std::string pattern = parent + "/" + prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return Error::FromErrno("mkdtemp", pattern);
  return pattern;
}

}  // namespace snaprun::images
