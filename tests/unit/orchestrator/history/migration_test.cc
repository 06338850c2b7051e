// Schema migrations: from an empty file, from the previous version, and refusing a
// database newer than this build.
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include "orchestrator/history/history_schema.h"
#include "orchestrator/history/sqlite_history_store.h"
#include "tests/support/process.h"
#include "tests/unit/orchestrator/history/history_test_util.h"

namespace snaprun::orchestrator {
namespace {

using Poco::Data::Keywords::now;

int VersionOf(const std::string& path) {
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::Session session("SQLite", path);
  return ReadSchemaVersion(session);
}

TEST(HistoryMigrations, EmptyFileMigratesToTheCurrentVersion) {
  snaprun::testing::TempDir dir;
  std::string path = dir.path() + "/history.db";
  ASSERT_TRUE(SqliteHistoryStore::Open(path).has_value());
  EXPECT_EQ(VersionOf(path), kHistorySchemaVersion);
  // Opening again applies nothing twice.
  ASSERT_TRUE(SqliteHistoryStore::Open(path).has_value());
  EXPECT_EQ(VersionOf(path), kHistorySchemaVersion);
}

TEST(HistoryMigrations, PreviousVersionKeepsItsRuns) {
  snaprun::testing::TempDir dir;
  std::string path = dir.path() + "/history.db";
  const std::string old_id = "01hz0000000000000000000001";
  {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session session("SQLite", path);
    ASSERT_TRUE(MigrateHistorySchema(session, kHistorySchemaVersion - 1));
    session << "INSERT INTO runs (id, name, user, host, state, queued_at, completed_at, exit_code,"
               " spec_json) VALUES ('" +
                   old_id + "', 'old', 'bob', 'h', 'completed', 1, 2, 0, '{}')",
        now;
  }
  ASSERT_EQ(VersionOf(path), kHistorySchemaVersion - 1);
  Result<std::unique_ptr<SqliteHistoryStore>> store = SqliteHistoryStore::Open(path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_EQ(VersionOf(path), kHistorySchemaVersion);
  Result<RunRecord> old = (*store)->Get(old_id);
  ASSERT_TRUE(old.has_value()) << old.error().ToString();
  EXPECT_EQ(old->name, "old");
  EXPECT_EQ(old->state, RunState::kCompleted);
  EXPECT_EQ(old->exit_code, 0);
  EXPECT_FALSE(old->git.has_value());
  RunRecord fresh;
  fresh.id = NewRunId();
  fresh.name = "new";
  fresh.git = GitProvenance{"", "main", "abc", false};
  ASSERT_TRUE((*store)->Create(fresh).has_value());
  EXPECT_EQ((*store)->Get(fresh.id)->git->branch, "main");
  EXPECT_EQ((*store)->List(testing::Query(50, std::nullopt, "new"))->size(), 1u);
}

TEST(HistoryMigrations, HomeDatabaseIsCreatedUnderSnaprunHome) {
  snaprun::testing::TempDir dir;
  std::string home = dir.path() + "/home";
  const char* saved = getenv("SNAPRUN_HOME");
  std::string previous = saved ? saved : "";
  setenv("SNAPRUN_HOME", home.c_str(), 1);
  Result<std::unique_ptr<SqliteHistoryStore>> store = SqliteHistoryStore::OpenInHome();
  if (saved)
    setenv("SNAPRUN_HOME", previous.c_str(), 1);
  else
    unsetenv("SNAPRUN_HOME");
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_EQ(VersionOf(home + "/history.db"), kHistorySchemaVersion);
}

TEST(HistoryMigrations, NewerDatabaseIsRefused) {
  snaprun::testing::TempDir dir;
  std::string path = dir.path() + "/history.db";
  ASSERT_TRUE(SqliteHistoryStore::Open(path).has_value());
  {
    Poco::Data::Session session("SQLite", path);
    session << "UPDATE schema_version SET version = 99", now;
  }
  Result<std::unique_ptr<SqliteHistoryStore>> store = SqliteHistoryStore::Open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(store.error().message().find("newer schema"), std::string::npos);
}

TEST(HistoryMigrations, NonDatabaseFileIsAnError) {
  snaprun::testing::TempDir dir;
  std::string path = dir.path() + "/history.db";
  FILE* file = fopen(path.c_str(), "w");
  fputs("this is not a database, it is long enough to have a header: 0123456789abcdef\n", file);
  fclose(file);
  Result<std::unique_ptr<SqliteHistoryStore>> store = SqliteHistoryStore::Open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().message().find(path), std::string::npos) << store.error().ToString();
}

}  // namespace
}  // namespace snaprun::orchestrator
