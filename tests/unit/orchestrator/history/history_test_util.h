// Helpers for history tests: records with every field set, and large histories.
#pragma once

#include <string>
#include <vector>

#include "orchestrator/history/history_store.h"
#include "orchestrator/history/run_id.h"
#include "orchestrator/history/run_record.h"

namespace snaprun::orchestrator::testing {

// Run number I of a synthetic history whose first run was created at BASE_MS: ids
// increase with I, names cycle over 7 values.
inline RunRecord SyntheticRun(uint64_t base_ms, int i) {
  RunRecord run;
  run.id = FormatRunId(base_ms + static_cast<uint64_t>(i), 0x1234, static_cast<uint64_t>(i) * 7919);
  run.name = "experiment-" + std::to_string(i % 7);
  run.user = "alice";
  run.host = "node-" + std::to_string(i % 3);
  run.state_times_ms[0] = static_cast<int64_t>(base_ms) + i;
  run.spec_json = R"({"name":"experiment","command":["python3","train.py","--seed",")" +
                  std::to_string(i) + R"("],"resources":{"memory":1073741824}})";
  return run;
}

inline std::vector<RunRecord> SyntheticHistory(uint64_t base_ms, int count) {
  std::vector<RunRecord> runs;
  runs.reserve(count);
  for (int i = 0; i < count; ++i) runs.push_back(SyntheticRun(base_ms, i));
  return runs;
}

inline ListQuery Query(size_t limit, std::optional<RunState> state = std::nullopt,
                       std::string name = "", std::string before_id = "", size_t offset = 0) {
  ListQuery query;
  query.limit = limit;
  query.state = state;
  query.name = std::move(name);
  query.before_id = std::move(before_id);
  query.offset = offset;
  return query;
}

}  // namespace snaprun::orchestrator::testing
