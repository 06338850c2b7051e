// The canonical digest of an extracted tree, the identity of images imported from a
// directory or a tarball: the same tree gives the same digest on any machine, however
// it arrived (directory or tar, any compression, any entry order, any owner or mtime).
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

#include "sandbox/base/error.h"

namespace snaprun::images {

// "sha256:" + SHA-256 over one record per entry, in a pre-order walk from the root
// with each directory's children sorted bytewise by name. A record is
//   TYPE ' ' MODE ' ' PATH '\0' PAYLOAD '\0'
// TYPE is d (directory), f (regular file), l (symlink), p (fifo); MODE is the 4-digit
// octal permission bits (SETID supplies the setuid/setgid bits stripped on disk); PATH
// is relative ("." for the root); PAYLOAD is the content's SHA-256 for f, the target
// for l, empty otherwise. Hard links are files like any other; owners and times are
// left out on purpose.
Result<std::string> ComputeTreeDigest(const std::string& root,
                                      const std::map<std::string, mode_t>& setid);

}  // namespace snaprun::images
