#include "orchestrator/cli/run_history.h"

#include <unistd.h>

#include "orchestrator/cli/commands.h"
#include "orchestrator/home/home.h"
#include "orchestrator/run/lost_runs.h"

namespace snaprun::orchestrator::cli {

Result<std::unique_ptr<SqliteHistoryStore>> OpenRunHistory() {
  auto history = SNAPRUN_TRY(SqliteHistoryStore::OpenInHome());
  SNAPRUN_TRY_CTX(MarkLostRuns(*history), "marking lost runs");
  return history;
}

Result<RunRecord> FindRun(HistoryStore& history, const std::string& reference) {
  std::string id = SNAPRUN_TRY(history.ResolveId(reference));
  return history.Get(id);
}

// Only where a history exists: `snaprun spec check` on a fresh machine creates nothing.
void MarkLostRunsFirst() {
  std::string db = SnaprunHomePath() + "/history.db";
  if (::access(db.c_str(), W_OK) != 0) return;
  if (auto history = SqliteHistoryStore::Open(db)) (void)MarkLostRuns(**history);
}

}  // namespace snaprun::orchestrator::cli
