// The stat cache: SNAPRUN_HOME/cache/stat-cache maps a file's (device, inode, size, mtime,
// ctime) to its content digest, so re-snapshotting an unchanged tree reads no file data.
// It is only a hint: a missing or damaged cache means hashing again, never a wrong digest,
// except that a file rewritten within one timestamp tick with the same size would look
// unchanged, which is why files changed in the last seconds are never recorded ("racy
// git"). Written atomically; concurrent writers lose entries, not consistency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "orchestrator/snapshot/manifest.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

class StatCache {
 public:
  static StatCache Load(const std::string& path);
  std::optional<std::string> Lookup(const TreeEntry& entry) const;
  // Records ENTRY's digest unless its mtime or ctime is within kRacySeconds of NOW_NS.
  void Record(const TreeEntry& entry, int64_t now_ns);
  // Writes the cache if Record() changed it.
  Result<void> Save() const;
  size_t size() const { return map_.size(); }

  static constexpr int64_t kRacySeconds = 2;
  static constexpr size_t kMaxEntries = 500000;

 private:
  static std::string Key(const TreeEntry& entry);
  std::string path_;
  std::unordered_map<std::string, std::string> map_;
  bool changed_ = false;
};

}  // namespace snaprun::orchestrator
