#include "images/extract.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "images/entry_path.h"
#include "images/fs.h"
#include "sandbox/base/syscall.h"

namespace snaprun::images {
namespace {

constexpr char kWhiteoutPrefix[] = ".wh.";
constexpr char kOpaqueMarker[] = ".wh..wh..opq";

Error Refuse(const std::string& name, const std::string& why) {
  return Error(ErrorCode::kInvalidInput, "refused entry '" + name + "': " + why);
}

Error LimitError(const std::string& name, const std::string& what, uint64_t cap, const char* flag) {
  return Error(ErrorCode::kLimitExceeded, "refused entry '" + name + "': " + what + " " +
                                              std::to_string(cap) + " (" + flag + ")");
}

Result<void> WriteChunk(int fd, const void* data, size_t size, int64_t offset,
                        const std::string& name) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = RetryOnEintr([&] { return ::pwrite(fd, p, size, offset); });
    if (n < 0) return Error::FromErrno("write", name);
    p += n, size -= static_cast<size_t>(n), offset += n;
  }
  return Ok();
}

std::string ParentPath(const std::vector<std::string>& parts) {
  return JoinPath(parts, parts.empty() ? 0 : parts.size() - 1);
}

}  // namespace

Ownership DefaultOwnership() {
  return ::geteuid() == 0 ? Ownership::kPreserve : Ownership::kCaller;
}

Result<TreeWriter> TreeWriter::Open(const std::string& root, const ExtractLimits& limits,
                                    Ownership ownership, Whiteouts whiteouts) {
  UniqueFd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open directory", root);
  return TreeWriter(std::move(fd), limits, ownership, whiteouts);
}

// Walks to the directory holding the last component, one O_NOFOLLOW open per
// component, so a symlink placed by an earlier entry is never traversed.
// Returns its own descriptor (a dup of the cache) so that removals, which drop the
// cache, never close a directory a caller still works in.
Result<UniqueFd> TreeWriter::ParentFd(const std::vector<std::string>& parts, bool create) {
  std::string parent_path = ParentPath(parts);
  if (parent_path.empty() || (cached_parent_ && parent_path == cached_parent_path_)) {
    int fd = ::fcntl(parent_path.empty() ? root_.get() : cached_parent_.get(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return Error::FromErrno("dup", parent_path.empty() ? "/" : parent_path);
    return UniqueFd(fd);
  }
  UniqueFd current;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    int at = current ? current.get() : root_.get();
    const std::string& part = parts[i];
    UniqueFd next(::openat(at, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next && errno == ENOENT && create) {
      if (::mkdirat(at, part.c_str(), 0755) != 0) return Error::FromErrno("mkdir", part);
      created_in_layer_.insert(JoinPath(parts, i + 1));
      next.Reset(::openat(at, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    }
    if (!next) {
      std::string prefix = JoinPath(parts, i + 1);
      struct stat st {};
      if (::fstatat(at, part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        return Refuse(JoinPath(parts), "would be written through the symlink '" + prefix + "'");
      }
      return Error::FromErrno("open directory", prefix).Wrap("entry '" + JoinPath(parts) + "'");
    }
    current = std::move(next);
  }
  cached_parent_path_ = parent_path;
  cached_parent_.Reset(::fcntl(current.get(), F_DUPFD_CLOEXEC, 0));
  return current;
}

// Makes room for a new entry at LEAF. Returns true when an existing directory is kept
// (a directory entry over a directory only updates its mode).
Result<bool> TreeWriter::ClearForReplace(int parent, const std::string& path,
                                         const std::string& leaf, EntryType type) {
  struct stat st {};
  if (::fstatat(parent, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return false;
    return Error::FromErrno("stat", path);
  }
  if (S_ISDIR(st.st_mode) && type == EntryType::kDirectory) return true;
  if (S_ISDIR(st.st_mode)) ForgetParentCache();
  SNAPRUN_TRY(RemoveTreeAt(parent, leaf));
  return false;
}

Result<void> TreeWriter::Add(const Entry& entry, const ChunkReader& content) {
  if (++report_.entries > limits_.max_entries) {
    return LimitError(entry.name, "more entries than", limits_.max_entries, "--max-entries");
  }
  std::vector<std::string> parts = SNAPRUN_TRY(SplitEntryPath(entry.name, limits_));
  if (parts.empty()) {  // the root itself: only its mode is meaningful
    if (entry.type != EntryType::kDirectory) return Refuse(entry.name, "root is not a directory");
    deferred_dir_modes_[""] = DiskMode(entry.mode);
    return Ok();
  }
  if (whiteouts_ == Whiteouts::kOci && parts.back().starts_with(kWhiteoutPrefix)) {
    return ApplyWhiteout(parts);
  }
  std::string path = JoinPath(parts);
  const std::string& leaf = parts.back();
  UniqueFd parent_fd = SNAPRUN_TRY(ParentFd(parts, /*create=*/true));
  int parent = parent_fd.get();
  if (entry.type != EntryType::kDevice && entry.type != EntryType::kSocket) {
    bool keep_dir = SNAPRUN_TRY(ClearForReplace(parent, path, leaf, entry.type));
    if (keep_dir) return AddDirectory(parent, entry, path, leaf);
  }
  created_in_layer_.insert(path);
  switch (entry.type) {
    case EntryType::kFile:
      return AddFile(parent, entry, path, leaf, content);
    case EntryType::kDirectory:
      return AddDirectory(parent, entry, path, leaf);
    case EntryType::kHardlink:
      return AddHardlink(parent, entry, leaf);
    case EntryType::kSymlink:
      return AddSymlink(parent, entry, parts);
    case EntryType::kFifo:
      if (::mkfifoat(parent, leaf.c_str(), DiskMode(entry.mode) & 0777) != 0) {
        return Error::FromErrno("mkfifo", path);
      }
      return SetOwner(parent, leaf, entry);
    case EntryType::kDevice:
    case EntryType::kSocket:
      report_.skipped.push_back(path + (entry.type == EntryType::kDevice
                                            ? ": device node not created"
                                            : ": socket not created"));
      return Ok();
  }
  return Ok();
}

Result<void> TreeWriter::AddFile(int parent, const Entry& entry, const std::string& path,
                                 const std::string& leaf, const ChunkReader& content) {
  if (entry.size > limits_.max_total_bytes - std::min(report_.bytes, limits_.max_total_bytes)) {
    return LimitError(
        path,
        "declared size " + std::to_string(entry.size) + " bytes would exceed the total size cap of",
        limits_.max_total_bytes, "--max-size");
  }
  UniqueFd fd(
      ::openat(parent, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return Error::FromErrno("create", path);
  const void* data = nullptr;
  size_t size = 0;
  int64_t offset = 0;
  while (SNAPRUN_TRY(content(&data, &size, &offset))) {
    if (offset < 0 || static_cast<uint64_t>(offset) + size > entry.size) {
      return Error(ErrorCode::kCorrupt, "entry '" + path + "': content beyond its declared size");
    }
    SNAPRUN_TRY(WriteChunk(fd.get(), data, size, offset, path));
  }
  if (::ftruncate(fd.get(), static_cast<off_t>(entry.size)) != 0) {
    return Error::FromErrno("truncate", path);
  }
  report_.bytes += entry.size;
  if (ownership_ == Ownership::kPreserve && ::fchown(fd.get(), entry.uid, entry.gid) != 0) {
    return Error::FromErrno("chown", path);
  }
  // After chown: chown clears setuid, and we never set it anyway.
  if (::fchmod(fd.get(), DiskMode(entry.mode)) != 0) return Error::FromErrno("chmod", path);
  if (entry.mode & (S_ISUID | S_ISGID)) report_.setid[path] = entry.mode & 07777;
  return Ok();
}

Result<void> TreeWriter::AddDirectory(int parent, const Entry& entry, const std::string& path,
                                      const std::string& leaf) {
  mode_t mode = DiskMode(entry.mode);
  // Children still have to be written: keep owner rwx until Finish().
  if (::mkdirat(parent, leaf.c_str(), mode | S_IRWXU) != 0 && errno != EEXIST) {
    return Error::FromErrno("mkdir", path);
  }
  if (::fchmodat(parent, leaf.c_str(), mode | S_IRWXU, 0) != 0) {
    return Error::FromErrno("chmod", path);
  }
  if ((mode & S_IRWXU) != S_IRWXU)
    deferred_dir_modes_[path] = mode;
  else
    deferred_dir_modes_.erase(path);
  if (entry.mode & (S_ISUID | S_ISGID)) report_.setid[path] = entry.mode & 07777;
  return SetOwner(parent, leaf, entry);
}

Result<void> TreeWriter::AddHardlink(int parent, const Entry& entry, const std::string& leaf) {
  auto target = SplitEntryPath(entry.link, limits_);
  if (!target || target->empty()) {
    return Refuse(entry.name, "hard link to '" + entry.link + "' outside the rootfs");
  }
  std::string target_path = JoinPath(*target);
  UniqueFd target_parent;
  int target_dir = root_.get();
  if (target->size() > 1) {
    // A separate walk: ParentFd's cache holds the new link's directory.
    target_parent = SNAPRUN_TRY(
        OpenBeneath(root_.get(), ParentPath(*target), O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    target_dir = target_parent.get();
  }
  struct stat st {};
  if (::fstatat(target_dir, target->back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      S_ISDIR(st.st_mode)) {
    return Refuse(entry.name, "hard link to '" + entry.link + "' which is not an extracted file");
  }
  // flags 0: a symlink target is linked itself, never followed.
  if (::linkat(target_dir, target->back().c_str(), parent, leaf.c_str(), 0) != 0) {
    return Error::FromErrno("link", entry.name + " -> " + entry.link);
  }
  return Ok();
}

Result<void> TreeWriter::AddSymlink(int parent, const Entry& entry,
                                    const std::vector<std::string>& parts) {
  if (entry.link.size() > limits_.max_path_length) {
    return LimitError(entry.name, "symlink target longer than", limits_.max_path_length,
                      "--max-path-length");
  }
  if (entry.link.empty() || entry.link.find('\0') != std::string::npos) {
    return Refuse(entry.name, "empty or malformed symlink target");
  }
  if (SymlinkEscapes(parts, entry.link)) {
    return Refuse(entry.name, "symlink to '" + entry.link + "' leads outside the rootfs");
  }
  if (::symlinkat(entry.link.c_str(), parent, parts.back().c_str()) != 0) {
    return Error::FromErrno("symlink", entry.name);
  }
  return SetOwner(parent, parts.back(), entry);
}

Result<void> TreeWriter::SetOwner(int parent, const std::string& leaf, const Entry& entry) {
  if (ownership_ != Ownership::kPreserve) return Ok();
  if (::fchownat(parent, leaf.c_str(), entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return Error::FromErrno("chown", entry.name);
  }
  return Ok();
}

Result<void> TreeWriter::ApplyWhiteout(const std::vector<std::string>& parts) {
  std::vector<std::string> dir(parts.begin(), parts.end() - 1);
  if (parts.back() == kOpaqueMarker) return MakeOpaque(dir);
  std::string hidden = parts.back().substr(sizeof(kWhiteoutPrefix) - 1);
  if (hidden.empty() || hidden == "." || hidden == "..") {
    return Refuse(JoinPath(parts), "malformed whiteout");
  }
  std::vector<std::string> target = dir;
  target.push_back(hidden);
  // A whiteout under a directory no lower layer made has nothing to hide.
  auto parent = ParentFd(target, /*create=*/false);
  if (!parent && parent.error().sys_errno() == ENOENT) return Ok();
  if (!parent) return std::move(parent).error();
  ForgetParentCache();
  return RemoveTreeAt(parent->get(), hidden);
}

// Removes what lower layers left in DIR; entries this layer already wrote stay.
Result<void> TreeWriter::MakeOpaque(const std::vector<std::string>& dir_parts) {
  std::vector<std::string> probe = dir_parts;
  probe.push_back(".");
  std::string dir_path = JoinPath(dir_parts);
  UniqueFd dir_fd = SNAPRUN_TRY(ParentFd(probe, /*create=*/true));
  int listing = ::fcntl(dir_fd.get(), F_DUPFD_CLOEXEC, 0);
  if (listing < 0) return Error::FromErrno("dup", dir_path);
  DIR* stream = ::fdopendir(listing);
  if (stream == nullptr) return Error::FromErrno("fdopendir", dir_path);
  std::vector<std::string> doomed;
  while (dirent* d = ::readdir(stream)) {
    std::string name = d->d_name;
    if (name == "." || name == "..") continue;
    std::string child = dir_path.empty() ? name : dir_path + "/" + name;
    if (!created_in_layer_.contains(child)) doomed.push_back(name);
  }
  ::closedir(stream);
  ForgetParentCache();
  for (const std::string& name : doomed) SNAPRUN_TRY(RemoveTreeAt(dir_fd.get(), name));
  return Ok();
}

Result<void> TreeWriter::Finish() {
  ForgetParentCache();
  for (auto it = report_.setid.begin(); it != report_.setid.end();) {
    struct stat st {};
    auto file = OpenBeneath(root_.get(), it->first, O_PATH | O_NOFOLLOW);
    bool present =
        file && ::fstat(file->get(), &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode));
    it = present ? std::next(it) : report_.setid.erase(it);
  }
  // Deepest first, so restricting a parent never blocks its children's chmod.
  for (auto it = deferred_dir_modes_.rbegin(); it != deferred_dir_modes_.rend(); ++it) {
    if (it->first.empty()) {
      if (::fchmod(root_.get(), it->second) != 0) return Error::FromErrno("chmod", "/");
      continue;
    }
    auto dir = OpenBeneath(root_.get(), it->first, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (!dir) continue;  // removed by a later layer
    if (::fchmod(dir->get(), it->second) != 0) return Error::FromErrno("chmod", it->first);
  }
  return Ok();
}

}  // namespace snaprun::images
