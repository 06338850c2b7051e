// Harvest: a run's outputs/ directory into the object store, as an outputs manifest at
// SNAPRUN_HOME/outputs/DIGEST.json (the snapshot manifest format: path, mode, size, digest,
// symlink target). The manifest is written only after every object it names is durable,
// so a manifest that exists is complete; a failed harvest leaves no manifest, only
// unreferenced objects for gc. The outputs are hostile input: symlinks are recorded, never
// followed; fifos, sockets and devices are skipped, never opened; files are opened beneath
// the directory with no symlink in the path and O_NONBLOCK, then checked by fstat.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orchestrator/snapshot/file_hasher.h"
#include "orchestrator/snapshot/manifest.h"
#include "orchestrator/store/object_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// Caps on what one run may leave in outputs/. max_bytes counts apparent sizes (st_size),
// not allocated blocks: that is what a reader and an export see, and it bounds the hashing
// work, which a sparse file does not shrink. max_files counts regular files and symlinks.
// The spec's and the operator policy's caps come in through these fields.
struct HarvestLimits {
  uint64_t max_bytes = uint64_t{10} << 30;  // 10 GiB
  uint64_t max_files = 100000;
};

struct HarvestOptions {
  unsigned threads = 0;       // hashing threads; 0 = one per core
  ProgressCallback progress;  // file_hasher.h; called about every 100 ms
  // The user the sandbox's files belong to; -1: the owner of the outputs directory.
  // Files this user could not have read, and hard links to files it does not own, are
  // skipped (see admit.h).
  int64_t sandbox_uid = -1;
};

struct OutputsResult {
  std::string digest;  // hex SHA-256 of the manifest; the history records "sha256:" + digest
  Manifest manifest;
  uint64_t files = 0;              // regular files and symlinks recorded
  uint64_t bytes = 0;              // apparent bytes of the regular files
  uint64_t stored_bytes = 0;       // bytes written to the store this time (new objects)
  std::vector<std::string> notes;  // what was skipped, and why
};

// Harvests OUTPUTS_DIR. kLimitExceeded (nothing stored) when over LIMITS, naming the
// largest paths; kNotFound when the directory is missing; a full disk is one error naming
// the file being stored.
Result<OutputsResult> HarvestOutputs(const std::string& outputs_dir, const ObjectStore& store,
                                     const HarvestLimits& limits,
                                     const HarvestOptions& options = {});

// SNAPRUN_HOME/outputs/DIGEST.json.
std::string OutputsManifestPath(const ObjectStore& store, const std::string& digest);
// Loads and verifies an outputs manifest; DIGEST may carry a "sha256:" prefix.
Result<Manifest> LoadOutputsManifest(const ObjectStore& store, const std::string& digest);

}  // namespace snaprun::orchestrator
