// Materializes a snapshot as a read-only tree at SNAPRUN_HOME/trees/DIGEST/ for mounting.
// Files hard-link their 0444 object when the manifest mode has no execute bit; a hard link
// shares the object's inode and mode, so executables are copied instead (reflink where
// the filesystem can) and made 0555. The tree shows r--/r-x only; the exact recorded mode
// stays in the manifest. Built in a temp directory and renamed into place, so a tree that
// exists is complete; concurrent builders of one digest race harmlessly (first wins).
#pragma once

#include <string>

#include "orchestrator/store/object_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

std::string TreePath(const ObjectStore& store, const std::string& digest);
// Returns the tree's path, building it unless it already exists. Every object is verified
// on the way (kCorrupt names the object and the path it was meant for).
Result<std::string> MaterializeSnapshot(const ObjectStore& store, const std::string& digest);

}  // namespace snaprun::orchestrator
