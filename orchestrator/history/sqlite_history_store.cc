#include "orchestrator/history/sqlite_history_store.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/Statement.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <thread>

#include "orchestrator/history/history_rows.h"
#include "orchestrator/history/history_schema.h"
#include "orchestrator/history/run_id.h"
#include "orchestrator/home/home.h"

namespace snaprun::orchestrator {
namespace {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::now;

constexpr int kBusyTimeoutMs = 5000;  // SQLite's own wait for the lock, per attempt
constexpr int kMaxBusyRetries = 40;   // then give up: something holds the lock for minutes
// Rows per multi-row INSERT: 33 columns × 200 stays far below SQLite's 32766 variables.
constexpr size_t kRowsPerInsert = 200;

// BEGIN IMMEDIATE … COMMIT; rolls back unless committed. Poco's begin() would issue a
// deferred BEGIN, which can fail with SQLITE_BUSY at the first write without waiting.
class ImmediateTransaction {
 public:
  explicit ImmediateTransaction(Poco::Data::Session& session) : session_(session) {
    session_ << "BEGIN IMMEDIATE", now;
  }
  ~ImmediateTransaction() {
    if (committed_) return;
    try {
      session_ << "ROLLBACK", now;
    } catch (const Poco::Exception&) {
      // SQLite already ended the transaction (it does on some errors); nothing to undo.
    }
  }
  void Commit() {
    session_ << "COMMIT", now;
    committed_ = true;
  }

 private:
  Poco::Data::Session& session_;
  bool committed_ = false;
};

void SleepBeforeRetry(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  int ceiling_ms = std::min(5 << std::min(attempt, 6), 250);
  std::this_thread::sleep_for(std::chrono::milliseconds(1 + random() % ceiling_ms));
}

Error NotFound(std::string_view id) {
  return Error(ErrorCode::kNotFound, "no run with id " + std::string(id));
}

// The smallest string greater than every string starting with PREFIX (ids are ASCII).
std::string PrefixEnd(std::string prefix) {
  prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

SqliteHistoryStore::SqliteHistoryStore(std::string path, Poco::Data::Session session)
    : path_(std::move(path)), session_(std::move(session)) {}

Result<std::unique_ptr<SqliteHistoryStore>> SqliteHistoryStore::Open(const std::string& path) {
  // SQLite would create a new database under the umask (often 0644), and its -wal
  // and -shm files copy the database's mode. The history holds commands and
  // environments: it starts 0600, and SQLite opens an empty file as a new database.
  int created = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (created >= 0) {
    ::close(created);
  } else if (errno != EEXIST) {
    return Error::FromErrno("create history database", path);
  }
  Poco::Data::SQLite::Connector::registerConnector();
  std::unique_ptr<SqliteHistoryStore> store;
  try {
    store.reset(new SqliteHistoryStore(path, Poco::Data::Session("SQLite", path)));
  } catch (const Poco::Exception& e) {
    return Error(ErrorCode::kSystem, "open history database " + path + ": " + e.displayText());
  }
  SNAPRUN_TRY(store->Configure());
  SNAPRUN_TRY(store->Migrate());
  return store;
}

Result<std::unique_ptr<SqliteHistoryStore>> SqliteHistoryStore::OpenInHome() {
  std::string home = SNAPRUN_TRY(EnsureSnaprunHome());
  return Open(home + "/history.db");
}

Result<void> SqliteHistoryStore::Configure() {
  return Guarded("configure", [&]() -> Result<void> {
    session_ << "PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs), now;
    // Switching to WAL takes a brief exclusive lock; Guarded retries if it is busy.
    // The mode is persistent: later opens find the file in WAL already.
    session_ << "PRAGMA journal_mode = WAL", now;
    // In WAL, NORMAL never corrupts; a power cut may lose the last commits only.
    session_ << "PRAGMA synchronous = NORMAL", now;
    return Ok();
  });
}

Result<void> SqliteHistoryStore::Migrate() {
  return Guarded("migrate", [&]() -> Result<void> {
    ImmediateTransaction transaction(session_);
    if (!MigrateHistorySchema(session_)) {
      return Error(ErrorCode::kCorrupt, "history database " + path_ +
                                            " has a newer schema than this snaprun understands");
    }
    transaction.Commit();
    return Ok();
  });
}

Result<void> SqliteHistoryStore::Guarded(std::string_view what,
                                         const std::function<Result<void>()>& body) {
  for (int attempt = 0;; ++attempt) {
    try {
      return body();
    } catch (const Poco::Data::SQLite::DBLockedException& e) {
      if (attempt >= kMaxBusyRetries) {
        return Error(ErrorCode::kSystem,
                     "history " + std::string(what) + ": database stayed busy: " + e.displayText());
      }
    } catch (const Poco::Data::SQLite::TableLockedException& e) {
      if (attempt >= kMaxBusyRetries) {
        return Error(ErrorCode::kSystem, "history " + std::string(what) + ": " + e.displayText());
      }
    } catch (const Poco::Data::SQLite::ConstraintViolationException& e) {
      return Error(ErrorCode::kAlreadyExists,
                   "history " + std::string(what) + ": " + e.displayText());
    } catch (const Poco::Exception& e) {
      return Error(ErrorCode::kSystem,
                   "history " + std::string(what) + " (" + path_ + "): " + e.displayText());
    }
    ++busy_retries_;
    SleepBeforeRetry(attempt);
  }
}

Result<void> SqliteHistoryStore::Create(const RunRecord& run) { return CreateAll({run}); }

Result<void> SqliteHistoryStore::CreateAll(const std::vector<RunRecord>& runs) {
  for (const RunRecord& run : runs) {
    if (run.state != RunState::kQueued) {
      return Error(ErrorCode::kInternal, "run " + run.id + " must be created queued");
    }
    if (!IsRunId(run.id)) return Error(ErrorCode::kInternal, "\"" + run.id + "\" is not a run id");
  }
  int64_t created = NowMs();
  return Guarded("create", [&]() -> Result<void> {
    ImmediateTransaction transaction(session_);
    for (size_t first = 0; first < runs.size(); first += kRowsPerInsert) {
      size_t count = std::min(kRowsPerInsert, runs.size() - first);
      Poco::Data::Statement insert(session_);
      std::string values;
      for (size_t i = 0; i < count; ++i) {
        values += (i ? ", (" : "(") + RunPlaceholders() + ")";
        RunRecord stamped = runs[first + i];
        auto& queued_at = stamped.state_times_ms[static_cast<size_t>(RunState::kQueued)];
        if (!queued_at) queued_at = created;
        BindRun(insert, stamped);
      }
      insert << "INSERT INTO runs (" + RunColumns() + ") VALUES " + values;
      insert.execute();
    }
    transaction.Commit();
    return Ok();
  });
}

Result<void> SqliteHistoryStore::Adopt(const RunRecord& run) {
  if (!IsTerminal(run.state) || !run.TimeOf(RunState::kQueued) || !run.TimeOf(run.state)) {
    return Error(ErrorCode::kInvalidInput,
                 "run " + run.id + " cannot be adopted: it has not ended, or lacks its times");
  }
  if (!IsRunId(run.id)) return Error(ErrorCode::kInvalidInput, "\"" + run.id + "\" is not a run id");
  return Guarded("adopt", [&]() -> Result<void> {
    ImmediateTransaction transaction(session_);
    Poco::Data::Statement insert(session_);
    insert << "INSERT INTO runs (" + RunColumns() + ") VALUES (" + RunPlaceholders() + ")";
    BindRun(insert, run);
    insert.execute();
    transaction.Commit();
    return Ok();
  });
}

Result<void> SqliteHistoryStore::Update(std::string_view id, const RunUpdate& update) {
  return Guarded("update", [&]() -> Result<void> {
    ImmediateTransaction transaction(session_);
    Poco::Data::Statement select(session_);
    select << "SELECT state FROM runs WHERE id = ?", bind(std::string(id)), now;
    Poco::Data::RecordSet rows(select);
    if (rows.rowCount() == 0) return NotFound(id);
    RunState current =
        ParseRunState(rows.value(0, 0).convert<std::string>()).value_or(RunState::kLost);
    if (update.state) SNAPRUN_TRY(CheckTransition(id, current, *update.state));
    Poco::Data::Statement change(session_);
    std::string sets = BindUpdate(change, update);
    if (sets.empty()) return Ok();
    change << "UPDATE runs SET " + sets + " WHERE id = ?", bind(std::string(id));
    change.execute();
    transaction.Commit();
    return Ok();
  });
}

Result<void> SqliteHistoryStore::Remove(std::string_view id) {
  return Guarded("remove", [&]() -> Result<void> {
    ImmediateTransaction transaction(session_);
    Poco::Data::Statement select(session_);
    select << "SELECT state FROM runs WHERE id = ?", bind(std::string(id)), now;
    Poco::Data::RecordSet rows(select);
    if (rows.rowCount() == 0) return NotFound(id);
    auto state = ParseRunState(rows.value(0, 0).convert<std::string>());
    if (state && !IsTerminal(*state)) {
      return Error(ErrorCode::kInvalidInput,
                   "run " + std::string(id) + " is " + RunStateName(*state) + ": cancel it first");
    }
    Poco::Data::Statement remove(session_);
    remove << "DELETE FROM runs WHERE id = ?", bind(std::string(id)), now;
    transaction.Commit();
    return Ok();
  });
}

Result<RunRecord> SqliteHistoryStore::Get(std::string_view id) {
  std::optional<RunRecord> found;
  SNAPRUN_TRY(Guarded("show", [&]() -> Result<void> {
    Poco::Data::Statement select(session_);
    select << "SELECT " + RunColumns() + " FROM runs WHERE id = ?", bind(std::string(id)), now;
    Poco::Data::RecordSet rows(select);
    if (rows.moveFirst()) found = ReadRun(rows);
    return Ok();
  }));
  if (!found) return NotFound(id);
  return std::move(*found);
}

Result<std::vector<RunRecord>> SqliteHistoryStore::List(const ListQuery& query) {
  std::vector<RunRecord> runs;
  SNAPRUN_TRY(Guarded("list", [&]() -> Result<void> {
    runs.clear();
    Poco::Data::Statement select(session_);
    std::string where;
    auto add = [&](const char* condition, std::string value) {
      where += (where.empty() ? " WHERE " : " AND ") + std::string(condition);
      select, bind(std::move(value));
    };
    if (query.state) add("state = ?", RunStateName(*query.state));
    if (!query.name.empty()) add("name = ?", query.name);
    if (!query.repro_id.empty()) add("repro_id = ?", query.repro_id);
    if (!query.before_id.empty()) add("id < ?", Lowercase(query.before_id));
    select << "SELECT " + RunColumns() + " FROM runs" + where +
                  " ORDER BY id DESC LIMIT ? OFFSET ?";
    select, bind(static_cast<Poco::Int64>(query.limit)),
        bind(static_cast<Poco::Int64>(query.offset));
    select.execute();
    Poco::Data::RecordSet rows(select);
    for (bool more = rows.moveFirst(); more; more = rows.moveNext()) runs.push_back(ReadRun(rows));
    return Ok();
  }));
  return runs;
}

Result<std::string> SqliteHistoryStore::ResolveId(std::string_view reference) {
  bool last = reference == "last";
  if (!last && !IsRunIdPrefix(reference)) {
    return Error(ErrorCode::kInvalidInput,
                 "\"" + std::string(reference) + "\" is not a run id, an id prefix or \"last\"");
  }
  std::string prefix = Lowercase(reference);
  std::vector<std::string> ids;
  SNAPRUN_TRY(Guarded("resolve", [&]() -> Result<void> {
    ids.clear();
    Poco::Data::Statement select(session_);
    if (last) {
      select << "SELECT id FROM runs ORDER BY id DESC LIMIT 1";
    } else {
      // A range on the primary key, not LIKE: the index answers it without a scan.
      select << "SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY id LIMIT 2", bind(prefix),
          bind(PrefixEnd(prefix));
    }
    select.execute();
    Poco::Data::RecordSet rows(select);
    for (bool more = rows.moveFirst(); more; more = rows.moveNext()) {
      ids.push_back(rows.value("id").convert<std::string>());
    }
    return Ok();
  }));
  if (ids.empty()) {
    return Error(ErrorCode::kNotFound, last ? std::string("the history has no runs yet")
                                            : "no run id starts with \"" + prefix + "\"");
  }
  if (ids.size() > 1) {
    return Error(ErrorCode::kInvalidInput, "run id prefix \"" + prefix + "\" is ambiguous (" +
                                               ids[0] + ", " + ids[1] +
                                               ", …); give more characters");
  }
  return ids[0];
}

}  // namespace snaprun::orchestrator
