// Export: rebuilds a harvested outputs tree at a destination, with recorded modes and
// symlinks (created as links, never followed). Every object is re-hashed as it is copied;
// a mismatch is kCorrupt naming the path and the object. The tree is built in a sibling
// DEST.tmp-XXXXXX and renamed into place, so DEST is either the whole export or untouched.
#pragma once

#include <string>

#include "orchestrator/store/object_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct ExportOptions {
  // Replace a DEST that exists and is not empty (otherwise kAlreadyExists).
  bool force = false;
};

// DIGEST: an outputs manifest digest (hex, or "sha256:HEX").
Result<void> ExportOutputs(const std::string& digest, const ObjectStore& store,
                           const std::string& dest_dir, const ExportOptions& options = {});

}  // namespace snaprun::orchestrator
