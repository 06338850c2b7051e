// Walks a code directory through directory fds (openat/fstatat on single components, never
// following a symlink), applying the ignore files as it goes. It only stats: sizes are
// known, nothing is hashed yet, so limits can be checked before any file is read. An
// excluded directory is not entered, which is what keeps its children excluded.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "orchestrator/snapshot/manifest.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// What one ignore file left out. Excluded directories count once in `dirs`; their
// contents are counted in `files`/`bytes` only when the walk measures them.
struct ExcludedSummary {
  std::string source;  // e.g. "src/.amlignore"
  uint64_t files = 0;
  uint64_t dirs = 0;
  uint64_t bytes = 0;
};

// Why a regular file must be left out (a non-empty reason), from its lstat; for harvests.
using AdmitFile = std::function<std::string(const std::string& path, const struct stat& st)>;

struct WalkOptions {
  bool measure_excluded = false;  // also stat inside excluded directories (for reports)
  bool read_ignore_files = true;  // .amlignore/.gitignore (snapshots); harvests take all
  AdmitFile admit;                // skipped files are listed in warnings
};

struct WalkResult {
  std::vector<TreeEntry> entries;  // included, in walk order, without digests
  std::vector<ExcludedSummary> excluded;
  std::vector<std::string> warnings;  // skipped fifos, sockets, devices, symlinked ignore files
  uint64_t files = 0;                 // regular files and symlinks
  uint64_t bytes = 0;                 // regular file bytes
};

// ROOT_FD is the opened code directory; SHOWN names it in messages.
Result<WalkResult> WalkTree(int root_fd, const std::string& shown, const WalkOptions& options);

}  // namespace snaprun::orchestrator
