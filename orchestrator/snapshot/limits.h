// Snapshot size and file-count limits, counted as Azure ML counts them: included regular
// file bytes against max_bytes (300 MB = 300 * 1024 * 1024), included files (regular files
// and symlinks) against max_files. Checked on the walk's stat sizes, before any hashing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orchestrator/snapshot/manifest.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct SnapshotLimits {
  uint64_t max_bytes = uint64_t{300} * 1024 * 1024;  // spec: snapshot.max_size
  uint64_t max_files = 2000;                         // spec: snapshot.max_files
};

// LIMITS with max_bytes taken from SNAPSHOT_MAX_SIZE_BYTES when that is set (Azure ML's
// variable); a value that is not a positive integer is kInvalidInput.
Result<SnapshotLimits> ApplyLimitEnvironment(SnapshotLimits limits);

// "300.0 MB" (MB = 1024 * 1024 bytes, as Azure ML prints it).
std::string FormatMegabytes(uint64_t bytes);
// "512 B", "12.3 KB", "4.8 MB", "1.2 GB" (binary units), for listings.
std::string FormatApproximateSize(uint64_t bytes);

// kLimitExceeded with the Azure ML wording, the five largest files and directories, and
// the .amlignore lines or settings that would fix it; Ok when within both limits.
Result<void> CheckLimits(const std::string& dir, const std::vector<TreeEntry>& entries,
                         const SnapshotLimits& limits);

}  // namespace snaprun::orchestrator
