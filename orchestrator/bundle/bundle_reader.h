// Reading a run bundle: hostile input. Entry names must be exactly the layout
// (bundle_layout.h) in its order, each a regular file, once; sizes are bounded (objects by
// the size their manifest records); bundle.json is parsed strictly; manifests are verified
// against their digests and against bundle.json; every object is re-hashed as it is
// stored and must match its name. A truncated or corrupted bundle is one kCorrupt error
// naming the bundle and the entry. Objects are written as pending (not yet visible) and
// discarded unless the whole bundle verified; nothing else is written.
#pragma once

#include <string>
#include <vector>

#include "orchestrator/bundle/bundle_info.h"
#include "orchestrator/store/object_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// A bundle that verified completely. Owns its pending objects: they are discarded when it
// is destroyed unless Commit() made them visible.
class VerifiedBundle {
 public:
  VerifiedBundle(const ObjectStore& store) : store_(&store) {}
  VerifiedBundle(VerifiedBundle&& other) noexcept;
  VerifiedBundle& operator=(VerifiedBundle&&) = delete;
  ~VerifiedBundle();

  Result<void> Commit();

  BundleInfo info;
  std::string snapshot_manifest;  // snapshot.json as it was in the bundle (verified)
  std::string outputs_manifest;   // empty when the run had no outputs
  std::vector<PendingObject> objects;
  std::string image_tar;  // a temp file holding image/rootfs.tar, or empty

 private:
  const ObjectStore* store_;
  std::vector<PendingObject> temps_;  // the image tar's temp, never committed
  friend class BundleReading;
};

Result<VerifiedBundle> ReadBundle(const std::string& path, const ObjectStore& store);

}  // namespace snaprun::orchestrator
