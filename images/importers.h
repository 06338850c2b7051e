// One importer per source format, all writing through TreeWriter into an empty ROOTFS
// directory inside the store's staging area. An importer that learns the image digest
// before extracting (OCI, docker) asks IS_STORED first and skips the extraction of an
// image the store already has. Importers never touch the store's final directories.
#pragma once

#include <functional>
#include <string>

#include "images/image_record.h"
#include "images/limits.h"
#include "sandbox/base/error.h"

namespace snaprun::images {

// --format: kAuto looks at the source (a directory with oci-layout or manifest.json,
// else a tarball whose extracted top level holds one of them, else a plain rootfs).
enum class SourceFormat { kAuto, kDirectory, kTar, kOci, kDocker };

struct ImportOptions {
  SourceFormat format = SourceFormat::kAuto;
  std::string platform = "linux/amd64";  // chosen from an OCI index with several images
  ExtractLimits limits;
};

struct ImportOutcome {
  ImageRecord record;        // digest, format, source, config, report fields
  bool rootfs_built = true;  // false when IS_STORED said the digest is present
};

using IsStored = std::function<bool(const std::string& digest)>;

Result<ImportOutcome> ImportDirectory(const std::string& source, const std::string& rootfs,
                                      const ImportOptions& options);
// Extracts a tarball into DIR as a plain tree; the record has no digest yet.
Result<ImportOutcome> UnpackTarball(const std::string& source, const std::string& dir,
                                    const ImportOptions& options);
// A rootfs tarball: extracted, then digested as a tree.
Result<ImportOutcome> ImportTarball(const std::string& source, const std::string& rootfs,
                                    const ImportOptions& options);
// LAYOUT is an OCI image layout directory (maybe unpacked from an archive by the caller).
Result<ImportOutcome> ImportOciLayout(const std::string& layout, const std::string& rootfs,
                                      const ImportOptions& options, const IsStored& is_stored);
// DIR holds the content of a `docker save` archive (manifest.json, configs, layer tars).
Result<ImportOutcome> ImportDockerDir(const std::string& dir, const std::string& rootfs,
                                      const ImportOptions& options, const IsStored& is_stored);

// Picks the importer for SOURCE. SCRATCH is an empty directory for unpacking archives
// that turn out to be OCI or docker archives.
Result<ImportOutcome> ImportAny(const std::string& source, const std::string& scratch,
                                const std::string& rootfs, const ImportOptions& options,
                                const IsStored& is_stored);

}  // namespace snaprun::images
