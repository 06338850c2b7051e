#include "orchestrator/harvest/export.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "orchestrator/harvest/export_file.h"
#include "orchestrator/harvest/harvest.h"
#include "orchestrator/store/fs_at.h"
#include "sandbox/base/atomic_file.h"
#include "sandbox/base/scoped.h"

namespace snaprun::orchestrator {
namespace {

// A manifest is verified by digest, but its paths still must stay beneath the export.
Result<void> CheckEntryPath(const std::string& path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = std::min(path.find('/', start), path.size());
    std::string part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") {
      return Error(ErrorCode::kCorrupt, "outputs manifest entry \"" + path + "\" leaves its tree");
    }
    start = slash + 1;
  }
  return Ok();
}

// Parent directory fds, kept for the run of siblings that sorted entries give.
class ParentCache {
 public:
  explicit ParentCache(int root_fd, std::string shown)
      : root_fd_(root_fd), shown_(std::move(shown)) {}
  Result<int> For(const std::string& path) {
    size_t slash = path.rfind('/');
    std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
    if (parent.empty()) return root_fd_;
    if (parent != parent_ || !fd_) {
      fd_ = SNAPRUN_TRY(OpenBeneath(root_fd_, parent, O_RDONLY | O_DIRECTORY, shown_));
      parent_ = parent;
    }
    return fd_.get();
  }

 private:
  int root_fd_;
  std::string shown_;
  std::string parent_;
  UniqueFd fd_;
};

Result<void> CreateEntry(ParentCache& parents, const TreeEntry& entry, const ObjectStore& store,
                         const std::string& shown) {
  SNAPRUN_TRY(CheckEntryPath(entry.path));
  int parent = SNAPRUN_TRY(parents.For(entry.path));
  std::string leaf = LastComponent(entry.path);
  std::string where = shown + "/" + entry.path;
  switch (entry.type) {
    case EntryType::kDirectory:
      // Owner-writable while it fills; the recorded mode is applied afterwards.
      if (::mkdirat(parent, leaf.c_str(), 0700) != 0) return Error::FromErrno("mkdir", where);
      return Ok();
    case EntryType::kSymlink:
      if (::symlinkat(entry.target.c_str(), parent, leaf.c_str()) != 0) {
        return Error::FromErrno("symlink", where);
      }
      return Ok();
    case EntryType::kFile:
      return ExportFile(store, entry, parent, leaf, where);
  }
  return Ok();
}

// Deepest first, so a read-only directory is closed only after its children are in.
Result<void> ApplyDirectoryModes(int root_fd, const Manifest& manifest, const std::string& shown) {
  for (auto it = manifest.entries.rbegin(); it != manifest.entries.rend(); ++it) {
    if (it->type != EntryType::kDirectory) continue;
    UniqueFd dir = SNAPRUN_TRY(OpenBeneath(root_fd, it->path, O_RDONLY | O_DIRECTORY, shown));
    if (::fchmod(dir.get(), it->mode) != 0)
      return Error::FromErrno("chmod", shown + "/" + it->path);
  }
  return Ok();
}

// kAlreadyExists for a non-empty DEST without FORCE; whether DEST exists at all.
Result<bool> CheckDestination(const std::string& dest, bool force) {
  struct stat st;
  if (::lstat(dest.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return Error::FromErrno("stat", dest);
  }
  if (!S_ISDIR(st.st_mode)) {
    return Error(ErrorCode::kAlreadyExists, dest + " exists and is not a directory");
  }
  DIR* dir = ::opendir(dest.c_str());
  if (dir == nullptr) return Error::FromErrno("open directory", dest);
  bool empty = true;
  while (dirent* d = ::readdir(dir)) {
    std::string name = d->d_name;
    if (name != "." && name != "..") empty = false;
  }
  ::closedir(dir);
  if (!empty && !force) {
    return Error(ErrorCode::kAlreadyExists,
                 dest + " exists and is not empty (--force replaces it)");
  }
  return true;
}

// Swaps the finished tree into place; the old DEST (if any) ends at TEMP and is removed.
Result<void> Replace(const std::string& temp, const std::string& dest, bool exists) {
  unsigned flags = exists ? RENAME_EXCHANGE : RENAME_NOREPLACE;
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, dest.c_str(), flags) != 0) {
    return Error::FromErrno("rename", temp + " to " + dest);
  }
  if (exists) SNAPRUN_TRY(RemoveTreeAt(AT_FDCWD, temp));
  std::string parent = dest.find('/') == std::string::npos ? "." : dest.substr(0, dest.rfind('/'));
  return SyncDirectory(parent.empty() ? "/" : parent);
}

Result<void> BuildTree(const std::string& temp, const Manifest& manifest, const ObjectStore& store,
                       const std::string& dest) {
  UniqueFd root = SNAPRUN_TRY(OpenDirectory(temp));
  ParentCache parents(root.get(), temp);
  for (const TreeEntry& entry : manifest.entries) {
    SNAPRUN_TRY(CreateEntry(parents, entry, store, dest));
  }
  SNAPRUN_TRY(ApplyDirectoryModes(root.get(), manifest, temp));
  mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(root.get(), 0777 & ~mask) != 0) return Error::FromErrno("chmod", temp);
  if (::syncfs(root.get()) != 0) return Error::FromErrno("syncfs", temp);
  return Ok();
}

}  // namespace

Result<void> ExportOutputs(const std::string& digest, const ObjectStore& store,
                           const std::string& dest_arg, const ExportOptions& options) {
  std::string dest = dest_arg;
  while (dest.size() > 1 && dest.back() == '/') dest.pop_back();
  const std::string context = "while exporting outputs to " + dest;
  Manifest manifest = SNAPRUN_TRY_CTX(LoadOutputsManifest(store, digest), context);
  bool exists = SNAPRUN_TRY_CTX(CheckDestination(dest, options.force), context);
  std::string temp = dest + ".tmp-XXXXXX";
  if (::mkdtemp(temp.data()) == nullptr) {
    return Error::FromErrno("create", temp).Wrap(context);
  }
  Defer cleanup([&] { (void)RemoveTreeAt(AT_FDCWD, temp); });
  SNAPRUN_TRY_CTX(BuildTree(temp, manifest, store, dest), context);
  SNAPRUN_TRY_CTX(Replace(temp, dest, exists), context);
  cleanup.Cancel();
  return Ok();
}

}  // namespace snaprun::orchestrator
