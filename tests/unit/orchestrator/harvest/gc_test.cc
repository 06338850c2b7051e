// Garbage collection: what runs and snapshots reference stays, the rest goes; --dry-run
// deletes nothing; young objects survive the grace period; the lock keeps gc out.
#include "orchestrator/harvest/gc.h"

#include <filesystem>

#include "orchestrator/history/run_id.h"
#include "orchestrator/history/sqlite_history_store.h"
#include "orchestrator/snapshot/snapshot.h"
#include "orchestrator/store/store_lock.h"
#include "tests/unit/orchestrator/harvest/harvest_fixture.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;

class GcTest : public HarvestTest {
 protected:
  void SetUp() override {
    HarvestTest::SetUp();
    auto history = SqliteHistoryStore::Open(home_ + "/history.db");
    ASSERT_TRUE(history) << history.error().message();
    history_ = std::move(*history);
  }

  // Harvests a fresh outputs tree holding CONTENT; records it on a run when REFERENCED.
  std::string HarvestRun(const std::string& content, bool referenced) {
    fs::remove_all(outputs_);
    WriteFile(outputs_ + "/result.txt", content);
    OutputsResult r = HarvestOk();
    if (!referenced) return r.digest;
    RunRecord run;
    run.id = NewRunId();
    EXPECT_TRUE(history_->Create(run));
    RunUpdate update;
    update.outputs_digest = "sha256:" + r.digest;
    EXPECT_TRUE(history_->Update(run.id, update));
    return r.digest;
  }

  GcReport Collect(bool dry_run) {
    GcOptions options;
    options.dry_run = dry_run;
    options.grace = std::chrono::seconds(0);
    auto report = CollectGarbage(home_, *history_, options);
    EXPECT_TRUE(report) << report.error().message();
    return report ? *report : GcReport{};
  }

  std::unique_ptr<SqliteHistoryStore> history_;
};

TEST_F(GcTest, KeepsReferencedObjectsAndDropsUnreferencedOnes) {
  HarvestRun("kept by a run", true);
  std::string dropped = HarvestRun("referenced by nothing", false);
  WriteFile(root_.path() + "/code/train.py", "print('snapshot')\n");
  auto snapshot = TakeSnapshot(root_.path() + "/code", {}, *store_);
  ASSERT_TRUE(snapshot) << snapshot.error().message();
  std::string orphan = *store_->Put("an orphan blob");

  GcReport report = Collect(false);
  EXPECT_EQ(report.objects, 2u);  // the unreferenced result and the orphan
  EXPECT_EQ(report.manifests, 1u);
  EXPECT_TRUE(StoreHoldsContent(home_, "kept by a run"));
  EXPECT_TRUE(StoreHoldsContent(home_, "print('snapshot')\n"));
  EXPECT_FALSE(StoreHoldsContent(home_, "referenced by nothing"));
  EXPECT_FALSE(store_->Has(orphan));
  EXPECT_FALSE(fs::exists(OutputsManifestPath(*store_, dropped)));
}

TEST_F(GcTest, DryRunDeletesNothing) {
  HarvestRun("referenced by nothing", false);
  std::string orphan = *store_->Put("an orphan blob");
  size_t before = CountObjects(home_);
  GcReport report = Collect(true);
  EXPECT_EQ(report.objects, 2u);
  EXPECT_EQ(report.manifests, 1u);
  EXPECT_EQ(CountObjects(home_), before);
  EXPECT_TRUE(store_->Has(orphan));
}

TEST_F(GcTest, ObjectsYoungerThanTheGracePeriodAreKept) {
  std::string orphan = *store_->Put("written a moment ago");
  GcOptions options;  // the default one-hour grace
  auto report = CollectGarbage(home_, *history_, options);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->objects, 0u);
  EXPECT_TRUE(store_->Has(orphan));
}

TEST_F(GcTest, UnreadableRootKeepsEveryObject) {
  std::string orphan = *store_->Put("an orphan blob");
  fs::create_directories(home_ + "/snapshots");
  WriteFile(home_ + "/snapshots/" + std::string(64, 'c') + ".json", "{ not json");
  GcReport report = Collect(false);
  EXPECT_EQ(report.objects, 0u);
  EXPECT_TRUE(store_->Has(orphan));
  ASSERT_FALSE(report.warnings.empty());
}

TEST_F(GcTest, ATreeOfASnapshotNoRunNamesIsRemoved) {
  WriteFile(root_.path() + "/code/train.py", "print('tree')\n");
  auto snapshot = TakeSnapshot(root_.path() + "/code", {}, *store_);
  ASSERT_TRUE(snapshot);
  fs::create_directories(home_ + "/trees/" + snapshot->digest + "/sub");
  GcReport report = Collect(false);
  EXPECT_EQ(report.trees, 1u);
  EXPECT_FALSE(fs::exists(home_ + "/trees/" + snapshot->digest));
  EXPECT_TRUE(fs::exists(home_ + "/snapshots/" + snapshot->digest + ".json"));
}

TEST_F(GcTest, ARunPreparingHoldsTheLockAgainstGc) {
  auto shared = LockStoreShared(home_);
  ASSERT_TRUE(shared) << shared.error().message();
  auto second_run = LockStoreShared(home_);
  ASSERT_TRUE(second_run);  // runs do not exclude each other
  auto gc = TryLockStoreExclusive(home_);
  ASSERT_FALSE(gc);
  EXPECT_EQ(gc.error().code(), ErrorCode::kAlreadyExists);
  shared->Release();
  second_run->Release();
  EXPECT_TRUE(TryLockStoreExclusive(home_));
}

}  // namespace
}  // namespace snaprun::orchestrator
