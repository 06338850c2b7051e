// An image's rootfs in a bundle: written as a plain tar (pax) of the stored rootfs with
// the setuid/setgid bits the image declared put back, and imported on the other side
// through the image store's own tarball importer (with its safe extraction and limits).
// Only images whose digest is the tree digest of their rootfs (imported from a directory
// or a tarball) can travel this way: the importer recomputes that digest, so the image
// that arrives is verified. An OCI or docker image's digest names its manifest or config,
// which the rootfs alone cannot reproduce, so those are refused at export.
#pragma once

#include <string>

#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// Writes the rootfs of stored image DIGEST (under IMAGES_ROOT) as a tar to FD.
Result<void> WriteImageRootfsTar(const std::string& images_root, const std::string& digest, int fd);

// Imports the rootfs tar at TAR_PATH unless IMAGES_ROOT already has DIGEST; kCorrupt (and the
// wrongly named image removed again) when what arrives is not DIGEST.
Result<void> ImportImageRootfsTar(const std::string& images_root, const std::string& tar_path,
                                  const std::string& digest);

}  // namespace snaprun::orchestrator
