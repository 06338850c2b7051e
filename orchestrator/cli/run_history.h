// The history as the run commands open it: SNAPRUN_HOME/history.db, with lost runs
// marked first (so every listing is already true), and RUN references resolved.
#pragma once

#include <memory>
#include <string>

#include "orchestrator/history/sqlite_history_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator::cli {

Result<std::unique_ptr<SqliteHistoryStore>> OpenRunHistory();
// REFERENCE: an id, a unique prefix, or `last`.
Result<RunRecord> FindRun(HistoryStore& history, const std::string& reference);

}  // namespace snaprun::orchestrator::cli
