// A run's directory, SNAPRUN_HOME/runs/RUN_ID/: spec.yaml (the resolved spec),
// console.log (timestamped stdout/stderr), logs/ and outputs/ (bound into the sandbox),
// result.json, and events (one JSON line per state change, appended with one write).
// Files other than console.log and events are written atomically (temp, fsync, rename).
#pragma once

#include <string>

#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct RunDir {
  std::string root;
  std::string spec() const { return root + "/spec.yaml"; }
  std::string console() const { return root + "/console.log"; }
  std::string logs() const { return root + "/logs"; }
  std::string outputs() const { return root + "/outputs"; }
  std::string result() const { return root + "/result.json"; }
  std::string events() const { return root + "/events"; }
  // Written by `snaprun cancel` before it signals the supervisor: the runtime may forward
  // the signal itself, so the supervisor learns of the cancel from this file too.
  std::string cancel_marker() const { return root + "/cancel"; }
};

RunDir RunDirFor(const std::string& home, const std::string& run_id);
// Creates the directory with empty logs/ and outputs/; kAlreadyExists if it exists.
// outputs/ and logs/ are owned by the sandbox's root as the host sees it: the caller
// (rootless), or kRootRunIdBase for root's runs (run_config.h).
Result<RunDir> CreateRunDir(const std::string& home, const std::string& run_id);
// Appends {"time": …, "event": EVENT, "detail": DETAIL} as one line.
Result<void> AppendEvent(const RunDir& dir, const std::string& event, const std::string& detail);

}  // namespace snaprun::orchestrator
