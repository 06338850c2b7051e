#include "orchestrator/snapshot/materialize.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "orchestrator/snapshot/snapshot.h"
#include "orchestrator/store/fs_at.h"
#include "sandbox/base/syscall.h"

namespace snaprun::orchestrator {
namespace {

Result<void> CopyContent(int from, int to, const std::string& shown) {
  if (::ioctl(to, FICLONE, from) == 0) return Ok();  // reflink: shares blocks, no copy
  for (;;) {
    ssize_t n =
        RetryOnEintr([&] { return ::copy_file_range(from, nullptr, to, nullptr, 1 << 30, 0); });
    if (n < 0) return Error::FromErrno("copy", shown);
    if (n == 0) return Ok();
  }
}

Result<void> PlaceFile(const ObjectStore& store, const TreeEntry& entry, int parent,
                       const std::string& leaf, const std::string& shown) {
  Result<void> verified = store.Verify(entry.digest);
  if (!verified) return std::move(verified).error().Wrap("while materializing " + entry.path);
  std::string object = store.ObjectPath(entry.digest);
  bool executable = (entry.mode & 0111) != 0;
  if (!executable && ::linkat(AT_FDCWD, object.c_str(), parent, leaf.c_str(), 0) == 0) return Ok();
  if (!executable && errno != EXDEV && errno != EPERM && errno != EMLINK) {
    return Error::FromErrno("link", shown);
  }
  UniqueFd from(::open(object.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!from) return Error::FromErrno("open", object);
  UniqueFd to(
      ::openat(parent, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!to) return Error::FromErrno("create", shown);
  SNAPRUN_TRY(CopyContent(from.get(), to.get(), shown));
  if (::fchmod(to.get(), executable ? 0555 : 0444) != 0) return Error::FromErrno("chmod", shown);
  return Ok();
}

Result<void> PlaceEntry(const ObjectStore& store, int root, const std::string& root_shown,
                        const TreeEntry& entry) {
  std::string shown = root_shown + "/" + entry.path;
  UniqueFd parent = SNAPRUN_TRY(OpenParentBeneath(root, entry.path, root_shown));
  std::string leaf = LastComponent(entry.path);
  switch (entry.type) {
    case EntryType::kDirectory:
      if (::mkdirat(parent.get(), leaf.c_str(), 0755) != 0) return Error::FromErrno("mkdir", shown);
      return Ok();
    case EntryType::kSymlink:
      if (::symlinkat(entry.target.c_str(), parent.get(), leaf.c_str()) != 0) {
        return Error::FromErrno("symlink", shown);
      }
      return Ok();
    case EntryType::kFile:
      return PlaceFile(store, entry, parent.get(), leaf, shown);
  }
  return Ok();
}

// Directories become read-only deepest first, so each chmod still finds a writable parent.
Result<void> SealDirectories(int root, const std::string& root_shown, const Manifest& manifest) {
  for (auto it = manifest.entries.rbegin(); it != manifest.entries.rend(); ++it) {
    if (it->type != EntryType::kDirectory) continue;
    UniqueFd parent = SNAPRUN_TRY(OpenParentBeneath(root, it->path, root_shown));
    if (::fchmodat(parent.get(), LastComponent(it->path).c_str(), 0555, 0) != 0) {
      return Error::FromErrno("chmod", root_shown + "/" + it->path);
    }
  }
  if (::fchmod(root, 0555) != 0) return Error::FromErrno("chmod", root_shown);
  if (::syncfs(root) != 0) return Error::FromErrno("syncfs", root_shown);
  return Ok();
}

Result<void> BuildTree(const ObjectStore& store, const Manifest& manifest,
                       const std::string& temp) {
  UniqueFd root = SNAPRUN_TRY(OpenDirectory(temp));
  for (const TreeEntry& entry : manifest.entries)
    SNAPRUN_TRY(PlaceEntry(store, root.get(), temp, entry));
  return SealDirectories(root.get(), temp, manifest);
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::string TreePath(const ObjectStore& store, const std::string& digest) {
  return store.home() + "/trees/" + digest;
}

Result<std::string> MaterializeSnapshot(const ObjectStore& store, const std::string& digest) {
  std::string final_path = TreePath(store, digest);
  if (IsDirectory(final_path)) return final_path;
  Manifest manifest = SNAPRUN_TRY(LoadManifest(store, digest));
  std::string trees = store.home() + "/trees";
  SNAPRUN_TRY(MakeDirectories(trees, 0755));
  std::string temp = trees + "/.tmp-" + digest.substr(0, 12) + "-XXXXXX";
  if (::mkdtemp(temp.data()) == nullptr) return Error::FromErrno("mkdtemp", temp);
  UniqueFd trees_fd = SNAPRUN_TRY(OpenDirectory(trees));
  std::string temp_name = temp.substr(trees.size() + 1);
  Result<void> built = BuildTree(store, manifest, temp);
  if (built && ::renameat2(trees_fd.get(), temp_name.c_str(), trees_fd.get(), digest.c_str(),
                           RENAME_NOREPLACE) == 0) {
    return final_path;
  }
  int rename_errno = errno;
  (void)RemoveTreeAt(trees_fd.get(), temp_name);
  if (!built) return std::move(built).error();
  if (rename_errno == EEXIST && IsDirectory(final_path)) return final_path;  // a racing builder won
  return Error::FromErrno(rename_errno, "rename", temp);
}

}  // namespace snaprun::orchestrator
