// `snaprun repro`: the same snapshot run N times on the same image, the first run as the
// control and every later one under the chosen variations (variation.h), then each later
// run's outputs compared with the control's. Every run is an ordinary run in the history,
// grouped under the check's id, so diff/show/logs work on each. The snapshot is taken once,
// by the control run; the later runs mount that digest, never a new snapshot of the code.
#pragma once

#include <string>
#include <vector>

#include "orchestrator/compare/compare.h"
#include "orchestrator/history/history_store.h"
#include "orchestrator/run/lifecycle.h"
#include "orchestrator/run/variation.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct ReproRequest {
  std::string spec_file;
  std::vector<std::string> overrides;
  int runs = 2;  // at least 2
  VariationSet variations = DefaultVariations();
  CompareOptions compare;
  RunAllowances allowed;
};

struct ReproRun {
  int index = 1;
  std::string id;
  RunState state = RunState::kFailed;
  int status = 0;  // the shell's view of how the command ended
  std::string outputs_digest;
  std::string variation_json;
};

// Run INDEX compared with the control.
struct ReproComparison {
  int index = 2;
  bool same_end = true;  // same final state and exit status as the control
  TreeComparison outputs;
};

struct ReproReport {
  std::string repro_id;
  std::string snapshot_digest;
  VariationSet variations;
  std::vector<ReproRun> runs;  // the control first
  std::vector<ReproComparison> comparisons;
  bool Reproducible() const;
};

// kInvalidInput for fewer than 2 runs; an error when a run could not be made or its
// outputs could not be read (a command that fails is not an error: its status is compared).
// Stops early, with an error, when the check is canceled (Ctrl-C, `snaprun cancel`).
Result<ReproReport> RunRepro(const ReproRequest& request, const std::string& home,
                             HistoryStore& history, const SuperviseOptions& supervise);

}  // namespace snaprun::orchestrator
