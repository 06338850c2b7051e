#include "orchestrator/bundle/bundle_layout.h"

#include "orchestrator/store/object_store.h"

namespace snaprun::orchestrator {

Result<ClassifiedEntry> ClassifyEntryName(const std::string& name) {
  if (name.empty()) return Error(ErrorCode::kCorrupt, "an entry has an empty name");
  if (name.front() == '/') return Error(ErrorCode::kCorrupt, "absolute name refused");
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    if (name.compare(start, end - start, "..") == 0) {
      return Error(ErrorCode::kCorrupt, "'..' component refused");
    }
    start = end + 1;
  }
  if (name == kInfoEntry) return ClassifiedEntry{BundleEntry::kInfo, ""};
  if (name == kSnapshotEntry) return ClassifiedEntry{BundleEntry::kSnapshotManifest, ""};
  if (name == kOutputsEntry) return ClassifiedEntry{BundleEntry::kOutputsManifest, ""};
  if (name == kImageRootfsEntry) return ClassifiedEntry{BundleEntry::kImageRootfs, ""};
  std::string prefix = kObjectPrefix;
  if (name.starts_with(prefix) && IsSha256Hex(name.substr(prefix.size()))) {
    return ClassifiedEntry{BundleEntry::kObject, name.substr(prefix.size())};
  }
  return Error(ErrorCode::kCorrupt, "not part of the bundle layout");
}

}  // namespace snaprun::orchestrator
