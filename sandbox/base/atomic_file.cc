#include "sandbox/base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "sandbox/base/syscall.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun {
namespace {

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Result<void> WriteAll(int fd, std::string_view content, const std::string& name) {
  while (!content.empty()) {
    ssize_t n = RetryOnEintr([&] { return ::write(fd, content.data(), content.size()); });
    if (n < 0) return Error::FromErrno("write", name);
    content.remove_prefix(static_cast<size_t>(n));
  }
  return Ok();
}

}  // namespace

Result<void> SyncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open", dir);
  if (::fsync(fd.get()) != 0) return Error::FromErrno("fsync", dir);
  return Ok();
}

Result<void> WriteFileAtomic(const std::string& path, std::string_view content, mode_t mode) {
  std::string temp = path + ".tmp-XXXXXX";
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd) return Error::FromErrno("create", temp);
  bool committed = false;
  struct RemoveTemp {
    const std::string& name;
    const bool& done;
    ~RemoveTemp() {
      if (!done) ::unlink(name.c_str());
    }
  } cleanup{temp, committed};
  if (::fchmod(fd.get(), mode) != 0) return Error::FromErrno("chmod", temp);
  SNAPRUN_TRY(WriteAll(fd.get(), content, temp));
  if (::fsync(fd.get()) != 0) return Error::FromErrno("fsync", temp);
  if (::rename(temp.c_str(), path.c_str()) != 0) return Error::FromErrno("rename", temp);
  committed = true;
  return SyncDirectory(DirName(path));
}

Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    Error e = Error::FromErrno("open", path);
    if (e.sys_errno() == ENOENT) return Error(ErrorCode::kNotFound, e.message(), ENOENT);
    return e;
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = RetryOnEintr([&] { return ::read(fd.get(), buf, sizeof buf); });
    if (n < 0) return Error::FromErrno("read", path);
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return Error(ErrorCode::kLimitExceeded,
                   path + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace snaprun
