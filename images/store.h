// The digest-pinned image store under a root directory (SNAPRUN_HOME/images):
//   ROOT/HEX/rootfs  ROOT/HEX/image.json  ROOT/names.json  ROOT/.lock
// Invariants: an image directory appears whole (built in ROOT/.staging-* and renamed
// into place) or not at all; a rootfs never changes after import; names.json and
// image.json change only by atomic replacement under the lock.
#pragma once

#include <string>
#include <vector>

#include "images/image_record.h"
#include "images/importers.h"
#include "images/names.h"
#include "sandbox/base/error.h"

namespace snaprun::images {

// What the run lifecycle needs from an image reference.
struct ResolvedImage {
  std::string digest;
  std::string rootfs;  // empty for the host image
  ImageConfig config;
  bool host = false;
  std::vector<std::string> host_paths;  // the host image's read-only binds
};

class Store {
 public:
  explicit Store(std::string root) : root_(std::move(root)) {}

  // Imports SOURCE and names it NAMES; an image already stored only gains the names.
  Result<ImageRecord> Import(const std::string& source, const std::vector<std::string>& names,
                             const ImportOptions& options);
  // Every stored image (not the host image), sorted by digest.
  Result<std::vector<ImageRecord>> List() const;
  // REFERENCE: "host", NAME, NAME@sha256:HEX, sha256:HEX, or a unique HEX prefix.
  Result<std::string> ResolveDigest(const std::string& reference) const;
  Result<ImageRecord> Inspect(const std::string& reference) const;
  // Points NAME at the image REFERENCE resolves to (moving it from another image).
  Result<void> Tag(const std::string& reference, const std::string& name);
  // Removes NAME only; the image stays.
  Result<void> Untag(const std::string& name);
  // Removes the image and every name pointing to it. Callers (gc) decide what is
  // unreferenced; the store only refuses the host image.
  Result<void> Remove(const std::string& reference);

  const std::string& root() const { return root_; }
  std::string ImageDir(const std::string& digest) const;

 private:
  Result<ImageRecord> ReadRecord(const std::string& digest) const;
  Result<std::string> ResolveDigestPrefix(const std::string& prefix) const;
  Result<void> SetNames(const std::string& digest, const std::vector<std::string>& names);
  Result<void> SyncRecordNames(const std::string& digest, const NameMap& names);

  std::string root_;
};

Result<ResolvedImage> ResolveImage(const std::string& store_root, const std::string& reference);

}  // namespace snaprun::images
