// Atomic file replacement: write a temporary sibling, fsync it, rename it over the
// target, fsync the directory. Readers see the old file or the new one, never half.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "sandbox/base/error.h"

namespace snaprun {

Result<void> WriteFileAtomic(const std::string& path, std::string_view content, mode_t mode = 0644);
// Reads a whole regular file (refuses more than MAX_BYTES with kLimitExceeded).
Result<std::string> ReadFile(const std::string& path, size_t max_bytes = 64 << 20);
// fsync of a directory, so a rename inside it survives a crash.
Result<void> SyncDirectory(const std::string& dir);

}  // namespace snaprun
