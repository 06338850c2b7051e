// Taking a snapshot of a code directory: walk with ignore rules, check limits (before any
// file is read), hash and store the files, write the manifest. The manifest lands at
// SNAPRUN_HOME/snapshots/DIGEST.json only after every object it names is durable, so a
// manifest that exists is always complete. Safe to run concurrently on one store.
#pragma once

#include <functional>

#include <cstdint>
#include <string>
#include <vector>

#include "orchestrator/snapshot/file_hasher.h"
#include "orchestrator/snapshot/limits.h"
#include "orchestrator/snapshot/manifest.h"
#include "orchestrator/snapshot/walker.h"
#include "orchestrator/store/object_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct SnapshotOptions {
  bool measure_excluded = false;  // report bytes inside excluded directories (slower)
  bool use_stat_cache = true;
  unsigned threads = 0;  // hashing threads; 0 = one per core
  ProgressCallback progress;
  // When the snapshot starts, in ns since the epoch (empty: CLOCK_REALTIME): files
  // changed within StatCache::kRacySeconds before it are not cached.
  std::function<int64_t()> wall_clock_ns;
};

struct SnapshotTimings {
  double walk_seconds = 0, hash_seconds = 0, commit_seconds = 0;
};

struct SnapshotResult {
  std::string digest;
  Manifest manifest;
  std::vector<ExcludedSummary> excluded;
  std::vector<std::string> warnings;
  uint64_t cached_files = 0;  // files answered by the stat cache
  uint64_t hashed_bytes = 0;  // bytes read and hashed this time
  SnapshotTimings timings;
};

Result<SnapshotResult> TakeSnapshot(const std::string& dir, const SnapshotLimits& limits,
                                    const ObjectStore& store, const SnapshotOptions& options = {});

std::string ManifestPath(const ObjectStore& store, const std::string& digest);
// Loads and verifies SNAPRUN_HOME/snapshots/DIGEST.json.
Result<Manifest> LoadManifest(const ObjectStore& store, const std::string& digest);

}  // namespace snaprun::orchestrator
