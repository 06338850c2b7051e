// `snaprun diff A B`: what differs between two runs, part by part — the resolved spec
// (field by field), the snapshot (files added, removed, changed), the image, the
// environment, how each ended, resource usage, the outputs (with content diffs) and the
// console output (the first differing line, timestamps aside). Usage is shown, never
// counted as a difference: two runs never take the same time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orchestrator/compare/compare.h"
#include "orchestrator/history/run_record.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct ValueChange {
  std::string field;  // "resources.memory", "env.SEED", "exit_code", …
  std::string a;      // "" when absent on that side
  std::string b;
};

struct ConsoleDifference {
  size_t line = 0;                  // 1-based
  std::optional<std::string> a, b;  // unset: that side ended before the line
};

struct RunDiff {
  std::string a_id, b_id;
  std::vector<ValueChange> spec;
  std::string snapshot_a, snapshot_b;
  std::optional<TreeComparison> snapshot;  // set when both snapshots are known
  std::optional<ValueChange> image;
  std::vector<ValueChange> environment;
  std::vector<ValueChange> ending;        // state, exit_code, signal
  std::vector<ValueChange> usage;         // every measured figure, equal or not
  std::optional<TreeComparison> outputs;  // set when both runs harvested outputs
  std::vector<std::string> notes;         // parts that could not be compared, and why
  std::optional<ConsoleDifference> console;

  bool Same() const;
};

// HOME: SNAPRUN_HOME, where both runs' objects and directories are.
Result<RunDiff> DiffRuns(const RunRecord& a, const RunRecord& b, const std::string& home,
                         const CompareOptions& options);

std::string RenderRunDiffText(const RunDiff& diff, bool colour);
std::string RunDiffToJson(const RunDiff& diff);

}  // namespace snaprun::orchestrator
