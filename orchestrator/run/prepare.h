// The preparing state: snapshot the code, resolve the image, build the sandbox config.
// Nothing here starts a process; an error leaves only content-addressed objects (which
// gc collects) and the run directory behind.
#pragma once

#include <string>

#include "orchestrator/run/lifecycle.h"
#include "orchestrator/run/run_config.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct PreparedSandbox {
  RunConfig run_config;
  std::string snapshot_digest;
  std::string image_digest;
};

// Each step's error says which step failed ("while taking the snapshot of DIR: …").
Result<PreparedSandbox> PrepareSandbox(const QueuedRun& run, bool progress);

}  // namespace snaprun::orchestrator
