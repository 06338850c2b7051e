// Hashes the regular files of a walk into the object store, on a small pool of threads
// (one per core, at most kMaxThreads), reading each file once with a large buffer while
// copying it into a pending object. A file whose size, mtime or ctime moves while it is
// read is retried, then refused: a torn file is never stored. Stat-cache hits whose object
// is present are not read at all. Sparse files are read by extent (SEEK_DATA/SEEK_HOLE):
// holes are hashed as zeros, never read, and stay holes in the store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "orchestrator/snapshot/manifest.h"
#include "orchestrator/snapshot/stat_cache.h"
#include "orchestrator/snapshot/walker.h"
#include "orchestrator/store/object_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct HashProgress {
  uint64_t bytes_done = 0, bytes_total = 0;
  uint64_t files_done = 0, files_total = 0;
};
using ProgressCallback = std::function<void(const HashProgress&)>;

struct HashOptions {
  unsigned threads = 0;       // 0: one per core, capped at kMaxThreads
  ProgressCallback progress;  // called on the calling thread, about every 100 ms
  // Checked on the opened file's fstat (walker.h): a file that now fails it was swapped
  // since the walk, and the whole hash fails rather than store it.
  AdmitFile admit;
  static constexpr unsigned kMaxThreads = 8;
  static constexpr int kAttempts = 3;
};

struct HashOutcome {
  std::vector<PendingObject> pending;  // new objects to Commit()
  uint64_t cached_files = 0;           // answered by the stat cache
  uint64_t hashed_bytes = 0;
};

// Fills digest (and refreshed stat fields) of every kFile entry in ENTRIES.
Result<HashOutcome> HashFiles(int root_fd, const std::string& shown,
                              std::vector<TreeEntry>& entries, const ObjectStore& store,
                              const StatCache& cache, const HashOptions& options);

}  // namespace snaprun::orchestrator
