// A history of 30,000 runs: the newest 50 and a single run come back correct.
// (Timing is the benchmark's business: tests/bench/history_bench.)
#include <gtest/gtest.h>

#include "orchestrator/history/sqlite_history_store.h"
#include "tests/support/process.h"
#include "tests/unit/orchestrator/history/history_test_util.h"

namespace snaprun::orchestrator {
namespace {

constexpr int kRuns = 30000;
constexpr uint64_t kBase = 1700000000000;

TEST(LargeHistory, NewestFiftyAndShowAreCorrect) {
  snaprun::testing::TempDir dir;
  auto store = SqliteHistoryStore::Open(dir.path() + "/history.db");
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  ASSERT_TRUE((*store)->CreateAll(testing::SyntheticHistory(kBase, kRuns)).has_value());

  Result<std::vector<RunRecord>> newest = (*store)->List(testing::Query(50));
  ASSERT_TRUE(newest.has_value()) << newest.error().ToString();
  ASSERT_EQ(newest->size(), 50u);
  for (int i = 0; i < 50; ++i) {
    RunRecord expected = testing::SyntheticRun(kBase, kRuns - 1 - i);
    EXPECT_EQ((*newest)[i].id, expected.id);
    EXPECT_EQ((*newest)[i].name, expected.name);
    EXPECT_EQ((*newest)[i].spec_json, expected.spec_json);
  }

  RunRecord middle = testing::SyntheticRun(kBase, 12345);
  Result<std::string> id = (*store)->ResolveId(middle.id.substr(0, 12));
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  Result<RunRecord> shown = (*store)->Get(*id);
  ASSERT_TRUE(shown.has_value());
  EXPECT_EQ(shown->id, middle.id);
  EXPECT_EQ(shown->host, middle.host);
  EXPECT_EQ(shown->TimeOf(RunState::kQueued), middle.TimeOf(RunState::kQueued));
  EXPECT_EQ(shown->spec_json, middle.spec_json);
  EXPECT_EQ(*(*store)->ResolveId("last"), testing::SyntheticRun(kBase, kRuns - 1).id);
}

}  // namespace
}  // namespace snaprun::orchestrator
