// Writing a run bundle (bundle_layout.h): one zstd-compressed pax tar. zstd because a
// bundle is mostly code and text outputs: it compresses about as well as gzip at several
// times the speed, and Debian's libarchive reads and writes it. The file is built as an
// unnamed O_TMPFILE in the destination's directory (or a named temp where the filesystem
// has none), fsynced, then linked and renamed into place: DEST is the whole bundle or
// untouched, and an interrupted export (error, Ctrl-C, crash) leaves no file behind.
// Every object is re-hashed as it is copied, so a corrupt store is never exported.
#pragma once

#include <cstdint>
#include <string>

#include "orchestrator/history/run_record.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct BundleWriteOptions {
  bool with_image = false;  // include the image's rootfs (image_archive.h)
};

struct BundleWritten {
  uint64_t objects = 0;
  uint64_t bytes = 0;  // size of the bundle file
  bool image_included = false;
};

// RUN must have ended and have a snapshot (kInvalidInput otherwise); a host-image run with
// --with-image is kUnsupported. HOME is SNAPRUN_HOME.
Result<BundleWritten> WriteBundle(const std::string& home, const RunRecord& run,
                                  const std::string& dest, const BundleWriteOptions& options);

}  // namespace snaprun::orchestrator
