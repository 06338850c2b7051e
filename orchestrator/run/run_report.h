// What a finished run leaves in its directory and history row besides its state: the
// isolation applied (steps, fallbacks such as the overlay's copy-to-tmpfs, how each
// limit was enforced) and result.json (outcome, usage, digests, harvest, error).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orchestrator/history/run_record.h"
#include "orchestrator/run/outputs_harvester.h"
#include "sandbox/result.h"

namespace snaprun::orchestrator {

struct RunReport {
  std::string id;
  RunState state = RunState::kFailed;
  std::optional<sandbox::RunResult> result;  // set once the command ran
  bool canceled = false;
  std::string snapshot_digest;
  std::string image_digest;
  std::optional<HarvestSummary> outputs;
  std::vector<std::string> notes;  // run_config notes and harvest remarks
  std::string error;               // the one line that ended the run, if any
};

// {"workspace": "overlay" | "copy-to-tmpfs", "steps": […], "fallbacks": […],
//  "limits": […], "notes": […]}
std::string IsolationJson(const sandbox::RunResult& result, const std::vector<std::string>& notes);
std::string ReportJson(const RunReport& report);
ResourceUsage UsageOf(const sandbox::RunResult& result);

}  // namespace snaprun::orchestrator
