#include "orchestrator/snapshot/stat_cache.h"

#include <sstream>

#include "orchestrator/store/object_store.h"
#include "sandbox/base/atomic_file.h"

namespace snaprun::orchestrator {
namespace {

constexpr char kHeader[] = "snaprun-stat-cache-v1";

}  // namespace

std::string StatCache::Key(const TreeEntry& e) {
  return std::to_string(e.dev) + ' ' + std::to_string(e.ino) + ' ' + std::to_string(e.size) + ' ' +
         std::to_string(e.mtime_ns) + ' ' + std::to_string(e.ctime_ns);
}

StatCache StatCache::Load(const std::string& path) {
  StatCache cache;
  cache.path_ = path;
  auto text = ReadFile(path, 256 << 20);
  if (!text) return cache;  // no cache yet, or unreadable: start empty
  std::istringstream in(*text);
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return cache;
  while (std::getline(in, line)) {
    size_t last = line.rfind(' ');
    if (last == std::string::npos) continue;
    std::string digest = line.substr(last + 1);
    if (IsSha256Hex(digest)) cache.map_[line.substr(0, last)] = digest;
  }
  return cache;
}

std::optional<std::string> StatCache::Lookup(const TreeEntry& entry) const {
  auto it = map_.find(Key(entry));
  if (it == map_.end()) return std::nullopt;
  return it->second;
}

void StatCache::Record(const TreeEntry& entry, int64_t now_ns) {
  int64_t racy_after = now_ns - kRacySeconds * 1000000000;
  if (entry.mtime_ns >= racy_after || entry.ctime_ns >= racy_after) return;
  if (map_.size() >= kMaxEntries) map_.clear();  // crude bound: start over rather than grow
  std::string& digest = map_[Key(entry)];
  if (digest == entry.digest) return;
  digest = entry.digest;
  changed_ = true;
}

Result<void> StatCache::Save() const {
  if (!changed_ || path_.empty()) return Ok();
  std::string text = std::string(kHeader) + "\n";
  text.reserve(map_.size() * 120);
  for (const auto& [key, digest] : map_) text += key + ' ' + digest + '\n';
  return WriteFileAtomic(path_, text, 0600);
}

}  // namespace snaprun::orchestrator
