// Entry names and link targets from untrusted archives, checked before any file
// system call: a name is relative, has no "..", no empty components after cleaning,
// and stays within the depth and length caps. Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "images/limits.h"
#include "sandbox/base/error.h"

namespace snaprun::images {

// Splits NAME ("./usr/bin/x", "usr/bin/") into components, dropping "." and empty
// ones. Refuses absolute names, "..", names over the caps, and NUL bytes. An empty
// result is the root itself.
Result<std::vector<std::string>> SplitEntryPath(std::string_view name, const ExtractLimits& limits);

// Joins components with '/'.
std::string JoinPath(const std::vector<std::string>& parts, size_t count);
inline std::string JoinPath(const std::vector<std::string>& parts) {
  return JoinPath(parts, parts.size());
}

// True when a symlink at PARTS pointing to a relative TARGET climbs above the root
// when followed from its own directory. Absolute targets never escape: inside the
// container they resolve against the container's root.
bool SymlinkEscapes(const std::vector<std::string>& parts, std::string_view target);

}  // namespace snaprun::images
