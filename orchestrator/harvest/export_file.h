// Copies one stored object out to a new file, re-hashing it on the way: the file is
// created O_EXCL|O_NOFOLLOW inside its parent's fd (never through a path a link could
// redirect), holes in a sparse object stay holes, and a digest mismatch is kCorrupt
// naming the path and the object. The recorded mode is applied last, without setuid and
// setgid: a run's output never becomes a set-id program of whoever exports it.
#pragma once

#include <string>

#include "orchestrator/snapshot/manifest.h"
#include "orchestrator/store/object_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

Result<void> ExportFile(const ObjectStore& store, const TreeEntry& entry, int parent_fd,
                        const std::string& leaf, const std::string& shown);

}  // namespace snaprun::orchestrator
