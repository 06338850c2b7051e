// Garbage collection of SNAPRUN_HOME. Roots: every run in the history (its outputs
// manifest, snapshot and image digests) and every snapshot manifest in snapshots/.
// Everything an outputs or snapshot root names is live; other objects, outputs manifests
// no run names, materialized trees of snapshots no run names, orphan temp files and
// images no run recorded are removed. Runs the whole decision under the exclusive store
// lock (store_lock.h), and spares anything younger than the grace period, so a run that is
// preparing or harvesting (holding the lock shared, or just done) never loses an object.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "orchestrator/history/history_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct GcOptions {
  bool dry_run = false;              // report what would go; delete nothing
  std::chrono::seconds grace{3600};  // keep anything modified more recently (0: --now)
};

struct GcReport {
  uint64_t objects = 0, object_bytes = 0;  // blobs removed
  uint64_t manifests = 0;                  // unreferenced outputs manifests
  uint64_t trees = 0;                      // materialized snapshot trees
  uint64_t temp_files = 0;                 // orphans in objects/tmp
  std::vector<std::string> images;         // digests of images removed
  uint64_t kept_objects = 0;
  std::vector<std::string> warnings;  // roots that could not be read, and so on
};

// HISTORY is the store the runs are recorded in (SqliteHistoryStore in HOME normally).
Result<GcReport> CollectGarbage(const std::string& home, HistoryStore& history,
                                const GcOptions& options);

}  // namespace snaprun::orchestrator
