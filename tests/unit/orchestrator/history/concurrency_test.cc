// Several processes writing one history at once: nothing lost, no "database is locked".
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "orchestrator/history/sqlite_history_store.h"
#include "tests/support/process.h"
#include "tests/unit/orchestrator/history/history_test_util.h"

namespace snaprun::orchestrator {
namespace {

constexpr int kWriters = 8;
constexpr int kRunsPerWriter = 200;

RunUpdate RunningIn(pid_t supervisor) {
  RunUpdate update = StateChange(RunState::kRunning);
  update.supervisor_pid = supervisor;
  return update;
}

// In a forked child: create and advance runs; exit status 0 only if every write worked.
[[noreturn]] void WriteRuns(const std::string& path, int writer) {
  Result<std::unique_ptr<SqliteHistoryStore>> store = SqliteHistoryStore::Open(path);
  if (!store) _exit(10);
  for (int i = 0; i < kRunsPerWriter; ++i) {
    RunRecord run;
    run.id = NewRunId();
    run.name = "writer-" + std::to_string(writer);
    run.user = "u";
    run.host = "h";
    run.spec_json = "{\"i\":" + std::to_string(i) + "}";
    if (!(*store)->Create(run)) _exit(11);
    if (!(*store)->Update(run.id, StateChange(RunState::kPreparing))) _exit(12);
    if (!(*store)->Update(run.id, RunningIn(getpid()))) _exit(13);
  }
  _exit(0);
}

TEST(SqliteHistoryConcurrency, ForkedWritersLoseNothing) {
  snaprun::testing::TempDir dir;
  std::string path = dir.path() + "/history.db";
  // The children open the database themselves: an SQLite handle must not cross fork().
  std::vector<pid_t> children;
  for (int writer = 0; writer < kWriters; ++writer) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) WriteRuns(path, writer);
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "writer failed with status " << status << " (10 open, 11 create, 12/13 update)";
  }
  Result<std::unique_ptr<SqliteHistoryStore>> store = SqliteHistoryStore::Open(path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  auto all = (*store)->List(testing::Query(kWriters * kRunsPerWriter + 10));
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), static_cast<size_t>(kWriters * kRunsPerWriter));
  std::set<std::string> ids;
  for (const RunRecord& run : *all) {
    ids.insert(run.id);
    EXPECT_EQ(run.state, RunState::kRunning) << run.id;
  }
  EXPECT_EQ(ids.size(), all->size());
  for (int writer = 0; writer < kWriters; ++writer) {
    auto mine =
        (*store)->List(testing::Query(1000, std::nullopt, "writer-" + std::to_string(writer)));
    EXPECT_EQ(mine->size(), static_cast<size_t>(kRunsPerWriter)) << writer;
  }
}

// Every writer tries to move the same queued run on; the check and the write share
// one transaction, so exactly one wins and the others see the forbidden transition.
TEST(SqliteHistoryConcurrency, RacingTransitionsHaveOneWinner) {
  snaprun::testing::TempDir dir;
  std::string path = dir.path() + "/history.db";
  RunRecord run;
  run.id = NewRunId();
  run.name = "contested";
  {
    auto store = SqliteHistoryStore::Open(path);
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->Create(run).has_value());
  }
  std::vector<pid_t> children;
  for (int writer = 0; writer < kWriters; ++writer) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = SqliteHistoryStore::Open(path);
      if (!store) _exit(10);
      Result<void> moved = (*store)->Update(run.id, StateChange(RunState::kPreparing));
      if (moved) _exit(0);
      _exit(moved.error().code() == ErrorCode::kInvalidInput ? 1 : 12);
    }
    children.push_back(pid);
  }
  int winners = 0, refused = 0;
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    winners += WEXITSTATUS(status) == 0;
    refused += WEXITSTATUS(status) == 1;
  }
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(refused, kWriters - 1);
}

}  // namespace
}  // namespace snaprun::orchestrator
