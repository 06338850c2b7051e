// A snapshot manifest: the sorted entries of a code tree and its digest. The digest is the
// SHA-256 of a canonical serialization that depends only on paths (as bytes), entry types,
// permission bits, file contents (by digest) and symlink targets; never on mtimes, owners,
// inode numbers or walk order, so one tree gives one digest on any machine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

enum class EntryType { kFile, kDirectory, kSymlink };

struct TreeEntry {
  std::string path;  // relative to the snapshot root, '/'-separated, any bytes but NUL
  EntryType type = EntryType::kFile;
  uint32_t mode = 0;   // permission bits (07777); symlinks are always 0777
  uint64_t size = 0;   // file bytes; 0 for directories and symlinks
  std::string digest;  // files: SHA-256 of the content
  std::string target;  // symlinks: the link text, never followed
  // Host identity, used by the stat cache and change detection; not part of the digest.
  uint64_t dev = 0, ino = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
};

struct Manifest {
  std::string digest;
  std::vector<TreeEntry> entries;  // sorted by path bytes
  uint64_t files = 0;              // regular files and symlinks
  uint64_t bytes = 0;              // sum of regular file sizes
};

// Sorts ENTRIES, fills counts, computes the digest.
Manifest BuildManifest(std::vector<TreeEntry> entries);
std::string CanonicalManifest(const std::vector<TreeEntry>& sorted_entries);

// JSON through Poco::JSON. Paths and targets that are not UTF-8 are written as hex
// ("path_hex", "target_hex") so the file stays valid JSON and round-trips exactly.
std::string ManifestToJson(const Manifest& manifest);
// Parses and verifies: the recomputed digest must equal the recorded one (kCorrupt).
Result<Manifest> ManifestFromJson(const std::string& text, const std::string& source);

bool IsValidUtf8(std::string_view text);

}  // namespace snaprun::orchestrator
