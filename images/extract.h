// The safe extraction core every importer writes through. Invariants: nothing is
// ever written outside the root directory; no symlink already extracted is followed
// (each component is opened with O_NOFOLLOW, so a file "through" a symlink is refused);
// names, link targets and sizes are checked against ExtractLimits before any write;
// device nodes are skipped and setuid/setgid bits are recorded but never set on disk.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "images/limits.h"
#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::images {

enum class EntryType { kFile, kDirectory, kSymlink, kHardlink, kFifo, kDevice, kSocket };

struct Entry {
  std::string name;  // as written in the archive or relative to the source directory
  EntryType type = EntryType::kFile;
  mode_t mode = 0644;  // permission bits with setuid/setgid/sticky
  uid_t uid = 0;
  gid_t gid = 0;
  uint64_t size = 0;  // declared content size of a file
  std::string link;   // symlink target, or the entry name a hard link points to
};

// Yields a file's content one chunk at a time: DATA/SIZE at byte OFFSET (sparse files
// skip ranges). Returns false at the end.
using ChunkReader = std::function<Result<bool>(const void** data, size_t* size, int64_t* offset)>;

// What extraction noticed that image.json records.
struct ExtractReport {
  uint64_t entries = 0;
  uint64_t bytes = 0;                   // file content written
  std::vector<std::string> skipped;     // "dev/null: device node"
  std::map<std::string, mode_t> setid;  // file or directory -> mode as declared
};

// OCI layers delete lower-layer files with ".wh.NAME" and ".wh..wh..opq" entries;
// plain tarballs and directories take such names literally.
enum class Whiteouts { kLiteral, kOci };
// As root, owners from the archive are kept; otherwise every file belongs to the
// caller (uid 0 inside maps to the caller later) and no chown is attempted.
enum class Ownership { kPreserve, kCaller };
// kPreserve when running as root, else kCaller.
Ownership DefaultOwnership();

class TreeWriter {
 public:
  // ROOT must be an existing, empty directory the caller owns.
  static Result<TreeWriter> Open(const std::string& root, const ExtractLimits& limits,
                                 Ownership ownership, Whiteouts whiteouts);
  // Starts a layer: an opaque directory hides what lower layers put there only.
  void BeginLayer() { created_in_layer_.clear(); }
  // CONTENT is read only for kFile entries.
  Result<void> Add(const Entry& entry, const ChunkReader& content);
  // Applies directory modes deferred so that read-only directories could be filled,
  // and drops setid records of files later layers removed.
  Result<void> Finish();
  const ExtractReport& report() const { return report_; }
  const ExtractLimits& limits() const { return limits_; }

 private:
  TreeWriter(UniqueFd root, const ExtractLimits& limits, Ownership ownership, Whiteouts whiteouts)
      : root_(std::move(root)), limits_(limits), ownership_(ownership), whiteouts_(whiteouts) {}

  Result<UniqueFd> ParentFd(const std::vector<std::string>& parts, bool create);
  Result<bool> ClearForReplace(int parent, const std::string& path, const std::string& leaf,
                               EntryType type);
  Result<void> ApplyWhiteout(const std::vector<std::string>& parts);
  Result<void> AddFile(int parent, const Entry& entry, const std::string& path,
                       const std::string& leaf, const ChunkReader& content);
  Result<void> AddDirectory(int parent, const Entry& entry, const std::string& path,
                            const std::string& leaf);
  Result<void> AddHardlink(int parent, const Entry& entry, const std::string& leaf);
  Result<void> AddSymlink(int parent, const Entry& entry, const std::vector<std::string>& parts);
  Result<void> SetOwner(int parent, const std::string& leaf, const Entry& entry);
  Result<void> MakeOpaque(const std::vector<std::string>& dir_parts);
  void ForgetParentCache() { cached_parent_path_.clear(), cached_parent_.Reset(); }

  UniqueFd root_;
  ExtractLimits limits_;
  Ownership ownership_;
  Whiteouts whiteouts_;
  ExtractReport report_;
  std::unordered_set<std::string> created_in_layer_;
  std::map<std::string, mode_t> deferred_dir_modes_;
  std::string cached_parent_path_;
  UniqueFd cached_parent_;
};

// Mode kept on disk: permission and sticky bits, never setuid/setgid.
inline mode_t DiskMode(mode_t mode) { return mode & 01777; }

}  // namespace snaprun::images
