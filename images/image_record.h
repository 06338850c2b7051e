// image.json: what the store knows about one image besides its rootfs. Written once
// when the image is stored (and rewritten atomically when names change); the rootfs
// beside it never changes after import.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sandbox/base/error.h"

namespace snaprun::images {

// The runtime-relevant part of an OCI image config ("config" object). Empty when the
// image came from a plain directory or tarball.
struct ImageConfig {
  std::vector<std::string> env;  // "KEY=VALUE"
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string working_dir;
  std::string user;
};

enum class ImageFormat { kDirectory, kTar, kOci, kDocker, kHost };
const char* FormatName(ImageFormat format);

struct ImageRecord {
  std::string digest;  // "sha256:<64 hex>"; see README for what it covers per format
  std::vector<std::string> names;
  ImageFormat format = ImageFormat::kDirectory;
  std::string source;    // the path it was imported from
  std::string created;   // image creation time from the OCI config, else the import time
  std::string imported;  // import time, UTC RFC 3339
  uint64_t size = 0;     // bytes of file content in the rootfs
  std::string platform;  // "linux/amd64" when the image says so
  ImageConfig config;
  std::vector<std::string> skipped;     // entries not created, with why
  std::map<std::string, mode_t> setid;  // setuid/setgid files: declared mode (stripped on disk)
  std::vector<std::string> host_paths;  // kHost only: the host directories bound read-only
};

std::string RecordToJson(const ImageRecord& record);
Result<ImageRecord> RecordFromJson(const std::string& text, const std::string& file);
// Reads the "config" part of an OCI (or docker) image config blob.
Result<ImageConfig> ParseImageConfig(const std::string& text, const std::string& what);
// Fills RECORD's config, created and platform from an OCI (or docker) image config blob.
Result<void> ReadImageConfigInto(const std::string& config_text, ImageRecord& record);
// Current time as "2026-11-27T03:04:05Z".
std::string NowUtc();
// The hex part of "sha256:<hex>", or "" when DIGEST is not of that form.
std::string DigestHex(const std::string& digest);

}  // namespace snaprun::images
