// The one layout a run bundle may have, in this order (a reader refuses anything else):
//   bundle.json                     the run and its image (bundle_info.h)
//   snapshot.json                   the snapshot manifest
//   outputs.json                    the outputs manifest, when the run harvested outputs
//   objects/sha256/HEX              every object either manifest names, once each
//   image/rootfs.tar                with --with-image: the image's rootfs as a plain tar
// Every entry is a regular file; its name is one of the above exactly.
#pragma once

#include <cstdint>
#include <string>

#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

enum class BundleEntry { kInfo, kSnapshotManifest, kOutputsManifest, kObject, kImageRootfs };

inline constexpr char kInfoEntry[] = "bundle.json";
inline constexpr char kSnapshotEntry[] = "snapshot.json";
inline constexpr char kOutputsEntry[] = "outputs.json";
inline constexpr char kObjectPrefix[] = "objects/sha256/";
inline constexpr char kImageRootfsEntry[] = "image/rootfs.tar";

// Size caps for the entries whose size no manifest states.
inline constexpr uint64_t kMaxInfoBytes = uint64_t{4} << 20;
inline constexpr uint64_t kMaxManifestBytes = uint64_t{1} << 30;
inline constexpr uint64_t kMaxImageBytes = uint64_t{64} << 30;

struct ClassifiedEntry {
  BundleEntry kind = BundleEntry::kInfo;
  std::string object;  // kObject: the hex digest in the name
};

// kCorrupt with the reason (absolute name, ".." component, not in the layout).
Result<ClassifiedEntry> ClassifyEntryName(const std::string& name);

}  // namespace snaprun::orchestrator
