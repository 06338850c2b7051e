#include "orchestrator/history/history_schema.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <array>

namespace snaprun::orchestrator {
namespace {

using Poco::Data::Keywords::now;

// Migration N (1-based) is kMigrations[N-1]. Append only; never edit a shipped one.
constexpr std::array<const char*, kHistorySchemaVersion> kMigrations = {
    // 1: runs, with a time column per state.
    "CREATE TABLE runs ("
    " id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, user TEXT NOT NULL,"
    " host TEXT NOT NULL, state TEXT NOT NULL,"
    " queued_at INTEGER, preparing_at INTEGER, running_at INTEGER, harvesting_at INTEGER,"
    " completed_at INTEGER, failed_at INTEGER, canceled_at INTEGER, timed_out_at INTEGER,"
    " lost_at INTEGER, exit_code INTEGER, signal INTEGER, wall_ms INTEGER,"
    " cpu_user_ms INTEGER, cpu_sys_ms INTEGER, peak_memory_bytes INTEGER,"
    " spec_json TEXT NOT NULL, snapshot_digest TEXT NOT NULL DEFAULT '',"
    " image_digest TEXT NOT NULL DEFAULT '', outputs_digest TEXT NOT NULL DEFAULT '',"
    " isolation_json TEXT NOT NULL DEFAULT '', supervisor_pid INTEGER,"
    " supervisor_start_time INTEGER)",
    // 2: git provenance, and indexes for filtered newest-first listing.
    "ALTER TABLE runs ADD COLUMN git_remote TEXT;"
    "ALTER TABLE runs ADD COLUMN git_branch TEXT;"
    "ALTER TABLE runs ADD COLUMN git_commit TEXT;"
    "ALTER TABLE runs ADD COLUMN git_dirty INTEGER;"
    "CREATE INDEX runs_by_state ON runs (state, id);"
    "CREATE INDEX runs_by_name ON runs (name, id)",
    // 3: reproducibility checks group their runs, each with the variation it ran under.
    "ALTER TABLE runs ADD COLUMN repro_id TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE runs ADD COLUMN variation_json TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX runs_by_repro ON runs (repro_id, id)",
};

// Poco runs one SQL statement per Statement; split a migration at its semicolons
// (none of them has a semicolon inside a literal).
void ExecuteScript(Poco::Data::Session& session, const std::string& script) {
  size_t start = 0;
  while (start < script.size()) {
    size_t end = script.find(';', start);
    if (end == std::string::npos) end = script.size();
    std::string sql = script.substr(start, end - start);
    if (sql.find_first_not_of(" \n") != std::string::npos) session << sql, now;
    start = end + 1;
  }
}

}  // namespace

int ReadSchemaVersion(Poco::Data::Session& session) {
  session << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", now;
  Poco::Data::Statement select(session);
  select << "SELECT version FROM schema_version", now;
  Poco::Data::RecordSet rows(select);
  if (rows.rowCount() == 0) return 0;
  return rows.value(0, 0).convert<int>();
}

bool MigrateHistorySchema(Poco::Data::Session& session, int target) {
  int version = ReadSchemaVersion(session);
  if (version > kHistorySchemaVersion) return false;
  for (int next = version + 1; next <= target; ++next)
    ExecuteScript(session, kMigrations[next - 1]);
  if (version == 0) {
    session << "INSERT INTO schema_version (version) VALUES (?)", Poco::Data::Keywords::use(target),
        now;
  } else if (target > version) {
    session << "UPDATE schema_version SET version = ?", Poco::Data::Keywords::use(target), now;
  }
  return true;
}

}  // namespace snaprun::orchestrator
