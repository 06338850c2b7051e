// The snapshot step of preparing a run: snapshot the code directory within its limits
// (defaults, then SNAPSHOT_MAX_SIZE_BYTES, then the spec's snapshot.max_size/max_files)
// and materialize it read-only for mounting. Kept apart from run_spec.h on purpose:
// both it and snapshot/limits.h name a SnapshotLimits.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "orchestrator/store/object_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct SnapshotRequest {
  std::string code_dir;
  std::optional<uint64_t> max_bytes;  // spec snapshot.max_size
  std::optional<uint64_t> max_files;  // spec snapshot.max_files
  bool progress = false;              // a progress line on stderr (a terminal is attached)
};

struct SnapshotTaken {
  std::string digest;  // "sha256:<hex>"
  std::string tree;    // the materialized read-only tree
  uint64_t files = 0;
  uint64_t bytes = 0;
};

Result<SnapshotTaken> SnapshotForRun(const SnapshotRequest& request, const ObjectStore& store);
// A snapshot already in the store (DIGEST "sha256:HEX"): its manifest verified, then
// materialized. kNotFound when this store does not have it.
Result<SnapshotTaken> StoredSnapshotForRun(const std::string& digest, const ObjectStore& store);

}  // namespace snaprun::orchestrator
