// The harvest's limits check, on the walk's lstat sizes before any file is read and again
// on what was actually stored. Over a limit the error names the limit, what was found and
// the largest paths, so the user sees what to delete or which limit to raise.
#pragma once

#include <string>
#include <vector>

#include "orchestrator/harvest/harvest.h"
#include "orchestrator/snapshot/manifest.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// "1.5 GiB", "512 B" (binary units).
std::string FormatBinarySize(uint64_t bytes);
// kLimitExceeded when ENTRIES exceed LIMITS; Ok otherwise.
Result<void> CheckOutputLimits(const std::string& dir, const std::vector<TreeEntry>& entries,
                               const HarvestLimits& limits);

}  // namespace snaprun::orchestrator
