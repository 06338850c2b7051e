#include "images/tree_digest.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include "sandbox/base/scoped.h"
#include "sandbox/base/sha256.h"
#include "sandbox/base/syscall.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::images {
namespace {

// Opens NAME; a file or directory its owner made unreadable (mode 0000) is opened
// by briefly granting the owner access, as the store's own files always belong to us.
Result<UniqueFd> OpenForReading(int dirfd, const std::string& name, int flags, mode_t mode) {
  flags |= O_RDONLY | O_NOFOLLOW | O_CLOEXEC;
  UniqueFd fd(::openat(dirfd, name.c_str(), flags));
  if (!fd && errno == EACCES && ::fchmodat(dirfd, name.c_str(), mode | S_IRUSR | S_IXUSR, 0) == 0) {
    fd.Reset(::openat(dirfd, name.c_str(), flags));
    int saved = errno;
    ::fchmodat(dirfd, name.c_str(), mode & 07777, 0);
    errno = saved;
  }
  if (!fd) return Error::FromErrno("open", name);
  return fd;
}

Result<std::string> HashContent(int fd, const std::string& path) {
  Sha256 hash;
  std::unique_ptr<char[]> buffer(new char[1 << 20]);
  while (true) {
    ssize_t n = RetryOnEintr([&] { return ::read(fd, buffer.get(), 1 << 20); });
    if (n < 0) return Error::FromErrno("read", path);
    if (n == 0) break;
    hash.Update(buffer.get(), static_cast<size_t>(n));
  }
  return hash.HexDigest();
}

Result<std::vector<std::string>> SortedChildren(int dirfd, const std::string& path) {
  int listing = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (listing < 0) return Error::FromErrno("dup", path);
  DIR* dir = ::fdopendir(listing);
  if (dir == nullptr) {
    ::close(listing);
    return Error::FromErrno("fdopendir", path);
  }
  std::vector<std::string> names;
  while (dirent* d = ::readdir(dir)) {
    std::string name = d->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

class Walker {
 public:
  explicit Walker(const std::map<std::string, mode_t>& setid) : setid_(setid) {}

  Result<void> Directory(int fd, const std::string& path, mode_t mode) {
    auto setid = setid_.find(path);
    Record('d', setid == setid_.end() ? mode : setid->second, path, "");
    std::vector<std::string> names = SNAPRUN_TRY(SortedChildren(fd, path));
    for (const std::string& name : names) {
      SNAPRUN_TRY(Child(fd, path == "." ? name : path + "/" + name, name));
    }
    return Ok();
  }

  std::string Finish() { return "sha256:" + hash_.HexDigest(); }

 private:
  Result<void> Child(int dirfd, const std::string& path, const std::string& name) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return Error::FromErrno("stat", path);
    }
    if (S_ISDIR(st.st_mode)) {
      // A directory without owner r-x (mode 0000 in the image) is opened up for the
      // walk below it, and given its mode back afterwards.
      constexpr mode_t kNeeded = S_IRUSR | S_IXUSR;
      bool grant =
          (st.st_mode & kNeeded) != kNeeded && st.st_uid == ::geteuid() && ::geteuid() != 0;
      if (grant && ::fchmodat(dirfd, name.c_str(), (st.st_mode | kNeeded) & 07777, 0) != 0) {
        return Error::FromErrno("chmod", path);
      }
      Defer restore([&] {
        if (grant) ::fchmodat(dirfd, name.c_str(), st.st_mode & 07777, 0);
      });
      UniqueFd fd = SNAPRUN_TRY(OpenForReading(dirfd, name, O_DIRECTORY, st.st_mode));
      return Directory(fd.get(), path, st.st_mode);
    }
    if (S_ISREG(st.st_mode)) {
      UniqueFd fd = SNAPRUN_TRY(OpenForReading(dirfd, name, 0, st.st_mode));
      auto setid = setid_.find(path);
      mode_t mode = setid == setid_.end() ? st.st_mode : setid->second;
      Record('f', mode, path, SNAPRUN_TRY(HashContent(fd.get(), path)));
      return Ok();
    }
    if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlinkat(dirfd, name.c_str(), target.data(), target.size());
      if (n < 0) return Error::FromErrno("readlink", path);
      target.resize(static_cast<size_t>(n));
      Record('l', 0777, path, target);
      return Ok();
    }
    if (S_ISFIFO(st.st_mode)) Record('p', st.st_mode, path, "");
    return Ok();  // devices and sockets are never extracted into a store
  }

  void Record(char type, mode_t mode, const std::string& path, const std::string& payload) {
    char head[16];
    std::snprintf(head, sizeof head, "%c %04o ", type, static_cast<unsigned>(mode & 07777));
    hash_.Update(head);
    hash_.Update(path.data(), path.size() + 1);  // with its NUL
    hash_.Update(payload.data(), payload.size() + 1);
  }

  const std::map<std::string, mode_t>& setid_;
  Sha256 hash_;
};

}  // namespace

Result<std::string> ComputeTreeDigest(const std::string& root,
                                      const std::map<std::string, mode_t>& setid) {
  UniqueFd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open directory", root);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error::FromErrno("stat", root);
  Walker walker(setid);
  SNAPRUN_TRY_CTX(walker.Directory(fd.get(), ".", st.st_mode), "computing the digest of " + root);
  return walker.Finish();
}

}  // namespace snaprun::images
