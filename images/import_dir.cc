// Importer for a rootfs directory: a walk of the source fed through TreeWriter, so a
// directory and a tarball of the same tree are extracted, and digested, alike.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "images/extract.h"
#include "images/importers.h"
#include "images/tree_digest.h"
#include "sandbox/base/syscall.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::images {
namespace {

constexpr size_t kChunk = 1 << 20;

EntryType TypeOf(mode_t mode) {
  if (S_ISDIR(mode)) return EntryType::kDirectory;
  if (S_ISLNK(mode)) return EntryType::kSymlink;
  if (S_ISFIFO(mode)) return EntryType::kFifo;
  if (S_ISCHR(mode) || S_ISBLK(mode)) return EntryType::kDevice;
  if (S_ISSOCK(mode)) return EntryType::kSocket;
  return EntryType::kFile;
}

Result<std::vector<std::string>> Children(int dirfd, const std::string& path) {
  int listing = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  DIR* dir = listing < 0 ? nullptr : ::fdopendir(listing);
  if (dir == nullptr) return Error::FromErrno("read directory", path);
  std::vector<std::string> names;
  while (dirent* d = ::readdir(dir)) {
    std::string name = d->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

class DirectoryWalk {
 public:
  explicit DirectoryWalk(TreeWriter& writer) : writer_(writer) {}

  Result<void> Walk(int dirfd, const std::string& prefix) {
    std::vector<std::string> names = SNAPRUN_TRY(Children(dirfd, prefix.empty() ? "." : prefix));
    for (const std::string& name : names) SNAPRUN_TRY(Visit(dirfd, prefix + name));
    return Ok();
  }

 private:
  Result<void> Visit(int dirfd, const std::string& path) {
    std::string name = path.substr(path.rfind('/') + 1);
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return Error::FromErrno("stat", path);
    }
    Entry entry{path,      TypeOf(st.st_mode), st.st_mode & 07777,
                st.st_uid, st.st_gid,          static_cast<uint64_t>(st.st_size),
                ""};
    if (entry.type == EntryType::kSymlink)
      entry.link = SNAPRUN_TRY(ReadLink(dirfd, name, st, path));
    if (entry.type == EntryType::kFile && st.st_nlink > 1) {
      auto [it, first] = seen_.try_emplace({st.st_dev, st.st_ino}, path);
      if (!first) entry.type = EntryType::kHardlink, entry.link = it->second;
    }
    if (entry.type == EntryType::kFile) return AddFile(dirfd, name, entry);
    SNAPRUN_TRY(writer_.Add(entry, nullptr));
    if (entry.type != EntryType::kDirectory) return Ok();
    UniqueFd child(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!child) return Error::FromErrno("open directory", path);
    return Walk(child.get(), path + "/");
  }

  Result<void> AddFile(int dirfd, const std::string& name, const Entry& entry) {
    UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return Error::FromErrno("open", entry.name);
    int64_t position = 0;
    ChunkReader content = [&](const void** data, size_t* size, int64_t* offset) -> Result<bool> {
      ssize_t n = RetryOnEintr([&] { return ::read(fd.get(), buffer_.get(), kChunk); });
      if (n < 0) return Error::FromErrno("read", entry.name);
      if (n == 0) return false;
      *data = buffer_.get(), *size = static_cast<size_t>(n), *offset = position;
      position += n;
      return true;
    };
    return writer_.Add(entry, content);
  }

  static Result<std::string> ReadLink(int dirfd, const std::string& name, const struct stat& st,
                                      const std::string& path) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = ::readlinkat(dirfd, name.c_str(), target.data(), target.size());
    if (n < 0) return Error::FromErrno("readlink", path);
    target.resize(static_cast<size_t>(n));
    return target;
  }

  TreeWriter& writer_;
  std::map<std::pair<dev_t, ino_t>, std::string> seen_;
  std::unique_ptr<char[]> buffer_{new char[kChunk]};
};

}  // namespace

Result<ImportOutcome> ImportDirectory(const std::string& source, const std::string& rootfs,
                                      const ImportOptions& options) {
  UniqueFd fd(::open(source.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open directory", source);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error::FromErrno("stat", source);
  TreeWriter writer = SNAPRUN_TRY(
      TreeWriter::Open(rootfs, options.limits, DefaultOwnership(), Whiteouts::kLiteral));
  SNAPRUN_TRY(writer.Add(
      Entry{".", EntryType::kDirectory, st.st_mode & 07777, st.st_uid, st.st_gid, 0, ""}, nullptr));
  DirectoryWalk walk(writer);
  SNAPRUN_TRY_CTX(walk.Walk(fd.get(), ""), "importing " + source);
  SNAPRUN_TRY(writer.Finish());
  ImportOutcome outcome;
  ImageRecord& record = outcome.record;
  record.format = ImageFormat::kDirectory;
  record.source = source;
  record.size = writer.report().bytes;
  record.skipped = writer.report().skipped;
  record.setid = writer.report().setid;
  record.digest = SNAPRUN_TRY(ComputeTreeDigest(rootfs, record.setid));
  return outcome;
}

}  // namespace snaprun::images
