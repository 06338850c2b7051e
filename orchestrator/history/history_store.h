// HistoryStore: where runs are recorded, listed and looked up. Implementations: SQLite
// in SNAPRUN_HOME/history.db (sqlite_history_store.h); PostgreSQL for shared use.
// Invariants every implementation keeps: a run is created queued; every state change
// is checked with CheckTransition inside one transaction, so two writers cannot both
// move a run on; nothing already recorded is lost when a write fails.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/history/run_record.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// Newest first. Keyset paging: pass the last id of a page as before_id for the next
// (stable while runs are added); offset paging is there for simple callers.
struct ListQuery {
  size_t limit = 50;
  size_t offset = 0;
  std::string before_id;          // only runs older than this id
  std::optional<RunState> state;  // only runs in this state
  std::string name;               // only runs with this exact name
  std::string repro_id;           // only the runs of this reproducibility check
};

// Changes to a run; unset fields are left as they are.
struct RunUpdate {
  std::optional<RunState> state;  // validated; stamps the state's time
  std::optional<int64_t> at_ms;   // when the state was entered; default now
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::optional<ResourceUsage> usage;
  std::optional<std::string> snapshot_digest;
  std::optional<std::string> image_digest;
  std::optional<std::string> outputs_digest;
  std::optional<std::string> isolation_json;
  std::optional<int64_t> supervisor_pid;
  std::optional<uint64_t> supervisor_start_time;
};

// The common update: move to STATE now.
inline RunUpdate StateChange(RunState state) {
  RunUpdate update;
  update.state = state;
  return update;
}

class HistoryStore {
 public:
  virtual ~HistoryStore() = default;

  // Records a new run. Its state must be queued; the queued time defaults to now.
  // kAlreadyExists when the id is taken.
  virtual Result<void> Create(const RunRecord& run) = 0;
  // kNotFound for an unknown id; kInvalidInput for a transition the lifecycle forbids.
  virtual Result<void> Update(std::string_view id, const RunUpdate& update) = 0;
  virtual Result<RunRecord> Get(std::string_view id) = 0;
  virtual Result<std::vector<RunRecord>> List(const ListQuery& query) = 0;
  // "last" (the newest run), a full id, or a unique prefix of one → the full id.
  // kNotFound when nothing matches; kInvalidInput when a prefix is ambiguous.
  virtual Result<std::string> ResolveId(std::string_view reference) = 0;
};

}  // namespace snaprun::orchestrator
