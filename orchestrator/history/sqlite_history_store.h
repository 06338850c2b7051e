// SqliteHistoryStore: the history in one SQLite file (SNAPRUN_HOME/history.db) via
// Poco::Data. WAL mode lets readers run beside one writer; every write is a short
// BEGIN IMMEDIATE transaction (the write lock is taken up front, so two writers never
// deadlock upgrading a read lock), SQLite's busy timeout waits for the lock, and an
// operation that still meets SQLITE_BUSY is rolled back and retried with backoff, so
// concurrent processes do not fail with "database is locked". One object per thread.
#pragma once

#include <Poco/Data/Session.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "orchestrator/history/history_store.h"

namespace snaprun::orchestrator {

class SqliteHistoryStore final : public HistoryStore {
 public:
  // Opens (creating if needed) the database at PATH and migrates it to the current
  // schema. kCorrupt when it is not a history database or is newer than this build.
  static Result<std::unique_ptr<SqliteHistoryStore>> Open(const std::string& path);
  // Opens SNAPRUN_HOME/history.db, creating SNAPRUN_HOME if needed.
  static Result<std::unique_ptr<SqliteHistoryStore>> OpenInHome();

  Result<void> Create(const RunRecord& run) override;
  Result<void> Update(std::string_view id, const RunUpdate& update) override;
  Result<RunRecord> Get(std::string_view id) override;
  Result<std::vector<RunRecord>> List(const ListQuery& query) override;
  Result<std::string> ResolveId(std::string_view reference) override;

  // Records many new runs in one transaction (imports, and building large histories):
  // all of them or none.
  Result<void> CreateAll(const std::vector<RunRecord>& runs);
  // Records a run that ended elsewhere (an imported bundle) as it is: its terminal
  // state, times, outcome and digests. kInvalidInput unless it ended; kAlreadyExists
  // when the id is taken.
  Result<void> Adopt(const RunRecord& run);

  // Deletes a finished run's row (`snaprun rm`); kInvalidInput while the run is live,
  // checked in the same transaction so a run cannot start ending under the delete.
  Result<void> Remove(std::string_view id);
  // How many times an operation met SQLITE_BUSY and was retried (for tests).
  int busy_retries() const { return busy_retries_; }

 private:
  SqliteHistoryStore(std::string path, Poco::Data::Session session);

  // Runs BODY, converting Poco exceptions into Errors and retrying on SQLITE_BUSY.
  Result<void> Guarded(std::string_view what, const std::function<Result<void>()>& body);
  Result<void> Configure();
  Result<void> Migrate();

  std::string path_;
  Poco::Data::Session session_;
  int busy_retries_ = 0;
};

}  // namespace snaprun::orchestrator
