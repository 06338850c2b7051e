// The SQLite history store on real database files.
#include "orchestrator/history/sqlite_history_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/support/process.h"
#include "tests/unit/orchestrator/history/history_test_util.h"

namespace snaprun::orchestrator {
namespace {

using S = RunState;

class SqliteHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<SqliteHistoryStore>> opened = SqliteHistoryStore::Open(Path());
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    store_ = std::move(*opened);
  }
  std::string Path() const { return dir_.path() + "/history.db"; }

  snaprun::testing::TempDir dir_;
  std::unique_ptr<SqliteHistoryStore> store_;
};

RunUpdate RunningWithExit(int code) {
  RunUpdate update = StateChange(S::kRunning);
  update.exit_code = code;
  return update;
}

RunRecord FullRun() {
  RunRecord run;
  run.id = NewRunId();
  run.name = "train";
  run.user = "alice";
  run.host = "gpu-01";
  run.spec_json = R"({"name":"train"})";
  run.git = GitProvenance{"https://git.example/r.git", "main", std::string(40, 'a'), true};
  return run;
}

// The history holds commands and environments; the umask (0022 here) would make
// a database SQLite creates, and the -wal and -shm files copying its mode, 0644.
TEST_F(SqliteHistoryTest, TheDatabaseAndItsWalFilesAreOnlyTheOwners) {
  mode_t old_mask = ::umask(022);
  std::string path = dir_.path() + "/fresh.db";
  auto opened = SqliteHistoryStore::Open(path);
  ::umask(old_mask);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  ASSERT_TRUE((*opened)->Create(FullRun()).has_value());
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat st{};
    ASSERT_EQ(::stat(file.c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
}

TEST_F(SqliteHistoryTest, CreatedRunReadsBackWithEveryField) {
  RunRecord run = FullRun();
  ASSERT_TRUE(store_->Create(run).has_value());
  RunUpdate update = StateChange(S::kPreparing);
  update.at_ms = 1700000000123;
  update.snapshot_digest = "sha256:" + std::string(64, '1');
  update.image_digest = "sha256:" + std::string(64, '2');
  update.supervisor_pid = 4242;
  update.supervisor_start_time = 987654321;
  update.isolation_json = R"({"overlay":"fallback-tmpfs"})";
  ASSERT_TRUE(store_->Update(run.id, update).has_value());
  ASSERT_TRUE(store_->Update(run.id, StateChange(S::kRunning)).has_value());
  ASSERT_TRUE(store_->Update(run.id, StateChange(S::kHarvesting)).has_value());
  RunUpdate done = StateChange(S::kCompleted);
  done.exit_code = 0;
  done.usage = ResourceUsage{1500, 1200, 80, 64 << 20};
  done.outputs_digest = "sha256:" + std::string(64, '3');
  ASSERT_TRUE(store_->Update(run.id, done).has_value());

  Result<RunRecord> got = store_->Get(run.id);
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->name, "train");
  EXPECT_EQ(got->user, "alice");
  EXPECT_EQ(got->host, "gpu-01");
  EXPECT_EQ(got->state, S::kCompleted);
  EXPECT_TRUE(got->TimeOf(S::kQueued).has_value());
  EXPECT_EQ(got->TimeOf(S::kPreparing), 1700000000123);
  EXPECT_TRUE(got->TimeOf(S::kRunning) && got->TimeOf(S::kHarvesting) &&
              got->TimeOf(S::kCompleted));
  EXPECT_FALSE(got->TimeOf(S::kFailed).has_value());
  EXPECT_EQ(got->exit_code, 0);
  EXPECT_FALSE(got->signal.has_value());
  EXPECT_EQ(got->usage.wall_ms, 1500);
  EXPECT_EQ(got->usage.cpu_user_ms, 1200);
  EXPECT_EQ(got->usage.cpu_sys_ms, 80);
  EXPECT_EQ(got->usage.peak_memory_bytes, 64 << 20);
  EXPECT_EQ(got->spec_json, R"({"name":"train"})");
  EXPECT_EQ(got->snapshot_digest, update.snapshot_digest);
  EXPECT_EQ(got->image_digest, update.image_digest);
  EXPECT_EQ(got->outputs_digest, done.outputs_digest);
  EXPECT_EQ(got->isolation_json, R"({"overlay":"fallback-tmpfs"})");
  EXPECT_EQ(got->supervisor_pid, 4242);
  EXPECT_EQ(got->supervisor_start_time, 987654321u);
  ASSERT_TRUE(got->git.has_value());
  EXPECT_EQ(got->git->remote_url, "https://git.example/r.git");
  EXPECT_EQ(got->git->branch, "main");
  EXPECT_EQ(got->git->commit, std::string(40, 'a'));
  EXPECT_TRUE(got->git->dirty);
}

TEST_F(SqliteHistoryTest, ForbiddenTransitionLeavesTheRunUnchanged) {
  RunRecord run = FullRun();
  ASSERT_TRUE(store_->Create(run).has_value());
  for (S state : {S::kPreparing, S::kRunning, S::kHarvesting, S::kCompleted}) {
    ASSERT_TRUE(store_->Update(run.id, StateChange(state)).has_value()) << RunStateName(state);
  }
  Result<void> back = store_->Update(run.id, RunningWithExit(3));
  ASSERT_FALSE(back.has_value());
  EXPECT_EQ(back.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(back.error().message(), "run " + run.id + ": cannot go from completed to running");
  Result<RunRecord> got = store_->Get(run.id);
  EXPECT_EQ(got->state, S::kCompleted);
  EXPECT_FALSE(got->exit_code.has_value());
  EXPECT_FALSE(store_->Update(run.id, StateChange(S::kLost)).has_value());
}

TEST_F(SqliteHistoryTest, UnknownAndDuplicateIds) {
  RunRecord run = FullRun();
  ASSERT_TRUE(store_->Create(run).has_value());
  Result<void> again = store_->Create(run);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->Get(std::string(26, '0')).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->Update(std::string(26, '0'), StateChange(S::kFailed)).error().code(),
            ErrorCode::kNotFound);
  RunRecord running = FullRun();
  running.state = S::kRunning;
  EXPECT_EQ(store_->Create(running).error().code(), ErrorCode::kInternal);
}

TEST_F(SqliteHistoryTest, ListsNewestFirstWithFiltersAndPaging) {
  ASSERT_TRUE(store_->CreateAll(testing::SyntheticHistory(1700000000000, 100)).has_value());
  std::string id_of_97 = testing::SyntheticRun(1700000000000, 97).id;
  ASSERT_TRUE(store_->Update(id_of_97, StateChange(S::kFailed)).has_value());

  Result<std::vector<RunRecord>> page = store_->List(testing::Query(10));
  ASSERT_TRUE(page.has_value()) << page.error().ToString();
  ASSERT_EQ(page->size(), 10u);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ((*page)[i].id, testing::SyntheticRun(1700000000000, 99 - i).id);

  auto next = store_->List(testing::Query(10, std::nullopt, "", page->back().id));
  ASSERT_EQ(next->size(), 10u);
  EXPECT_EQ(next->front().id, testing::SyntheticRun(1700000000000, 89).id);
  auto offset = store_->List(testing::Query(10, std::nullopt, "", "", 10));
  EXPECT_EQ(offset->front().id, next->front().id);

  auto failed = store_->List(testing::Query(50, S::kFailed));
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ(failed->front().id, id_of_97);
  auto named = store_->List(testing::Query(100, std::nullopt, "experiment-3"));
  ASSERT_EQ(named->size(), 14u);  // 3, 10, …, 94
  EXPECT_EQ(named->front().id, testing::SyntheticRun(1700000000000, 94).id);
  auto queued_named = store_->List(testing::Query(3, S::kQueued, "experiment-6"));
  ASSERT_EQ(queued_named->size(), 3u);
  // 97 is experiment-6 too, but failed: the three newest queued are 90, 83, 76.
  EXPECT_EQ(queued_named->front().id, testing::SyntheticRun(1700000000000, 90).id);
  EXPECT_EQ(queued_named->back().id, testing::SyntheticRun(1700000000000, 76).id);
}

TEST_F(SqliteHistoryTest, ResolvesLastFullIdsAndUniquePrefixes) {
  EXPECT_EQ(store_->ResolveId("last").error().code(), ErrorCode::kNotFound);
  RunRecord a = FullRun(), b = FullRun();
  a.id = "01hzaaaaaaaaaaaaaaaaaaaaaa";
  b.id = "01hzabbbbbbbbbbbbbbbbbbbbb";
  ASSERT_TRUE(store_->CreateAll({a, b}).has_value());
  EXPECT_EQ(*store_->ResolveId("last"), b.id);
  EXPECT_EQ(*store_->ResolveId(a.id), a.id);
  EXPECT_EQ(*store_->ResolveId("01HZAA"), a.id);
  EXPECT_EQ(*store_->ResolveId("01hzab"), b.id);
  Result<std::string> ambiguous = store_->ResolveId("01hza");
  ASSERT_FALSE(ambiguous.has_value());
  EXPECT_EQ(ambiguous.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(ambiguous.error().message().find("is ambiguous"), std::string::npos);
  EXPECT_EQ(store_->ResolveId("01hzc").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ResolveId("not-an-id").error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->ResolveId("01hzzz").error().code(), ErrorCode::kNotFound);
}

// The database header's format versions (bytes 18 and 19) are 2 in WAL mode.
TEST_F(SqliteHistoryTest, DatabaseIsInWalMode) {
  store_.reset();
  std::ifstream file(Path(), std::ios::binary);
  char header[20] = {};
  ASSERT_TRUE(file.read(header, sizeof header));
  EXPECT_EQ(std::string(header, 16), std::string("SQLite format 3\0", 16));
  EXPECT_EQ(header[18], 2);
  EXPECT_EQ(header[19], 2);
}

}  // namespace
}  // namespace snaprun::orchestrator
