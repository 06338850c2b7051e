// Importing a run bundle into this SNAPRUN_HOME, and running it again. Publishing happens
// only after the whole bundle verified (bundle_reader.h), under the store lock shared (so
// gc cannot collect objects before a manifest and the history name them), in this order:
// objects, image, manifests, history row. The original run is recorded with its own id,
// state, times, outcome and digests; its isolation JSON gains an "imported" member (the
// bundle and when) so it is never mistaken for a run of this machine. Re-importing a
// bundle already imported is a no-op.
#pragma once

#include <string>
#include <vector>

#include "orchestrator/bundle/bundle_info.h"
#include "orchestrator/history/sqlite_history_store.h"
#include "orchestrator/run/lifecycle.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct ImportedRun {
  BundleInfo info;
  bool already_present = false;
};

Result<ImportedRun> ImportBundle(const std::string& path, const std::string& home,
                                 SqliteHistoryStore& history);

// Imports BUNDLE, then queues a new run of its spec (with OVERRIDES) on its snapshot and
// image (by digest; kNotFound naming the digest when neither the bundle nor this machine
// has it). The host image is this machine's host image. The import stays when the
// spec asks for more than ALLOWED covers: it is what `snaprun import` would keep.
Result<QueuedRun> QueueBundledRun(const std::string& bundle, const std::vector<std::string>& overrides,
                                  const std::string& home, SqliteHistoryStore& history,
                                  const RunAllowances& allowed);

}  // namespace snaprun::orchestrator
