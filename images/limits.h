// Extraction limits: the caps that refuse tar bombs before they fill the disk.
// Every cap is checked while extracting (never only after) and each can be raised
// from the CLI (`snaprun image import --max-…`); zero never means "unlimited".
#pragma once

#include <cstdint>

namespace snaprun::images {

struct ExtractLimits {
  // Entries of all kinds across all layers (files, dirs, links, whiteouts).
  uint64_t max_entries = 1'000'000;
  // Bytes of file content written to disk, summed over all layers (64 GiB).
  uint64_t max_total_bytes = 64ULL << 30;
  // Path components in one entry name ("a/b/c" is 3).
  uint32_t max_depth = 128;
  // Bytes in one entry name or link target (PATH_MAX).
  uint32_t max_path_length = 4096;
  // Uncompressed bytes per compressed byte of one archive stream. Only checked once
  // the stream has expanded past ratio_grace_bytes, so small, very compressible
  // archives (a tree of empty files) are not refused.
  uint64_t max_ratio = 500;
  uint64_t ratio_grace_bytes = 32ULL << 20;
};

}  // namespace snaprun::images
