// Reads one tar stream (plain, gzip, zstd, xz, bzip2 — whatever Debian's libarchive
// decodes) entry by entry into a TreeWriter, enforcing the compression-ratio cap.
// The raw bytes of the file are hashed as they are read, so an OCI blob is verified
// in the same pass that extracts it.
#pragma once

#include <string>

#include "images/extract.h"
#include "sandbox/base/error.h"

namespace snaprun::images {

struct StreamResult {
  std::string raw_sha256;  // hex digest of the whole file as stored
};

// Extracts the archive at PATH (opened with FD, which it reads to the end).
Result<StreamResult> ExtractTarStream(int fd, const std::string& path, TreeWriter& writer);

}  // namespace snaprun::images
