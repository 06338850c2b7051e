// A full disk: SNAPRUN_HOME on a 2 MiB tmpfs. The harvest fails with one error naming the
// file it was storing; objects already stored and the history are untouched.
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>

#include "orchestrator/history/run_id.h"
#include "orchestrator/history/sqlite_history_store.h"
#include "tests/unit/orchestrator/harvest/harvest_fixture.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;

class FullDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
    home_ = root_.path() + "/home";
    outputs_ = root_.path() + "/outputs";
    fs::create_directories(home_);
    if (::mount("tmpfs", home_.c_str(), "tmpfs", 0, "size=2m") != 0) {
      GTEST_SKIP() << "cannot mount tmpfs: " << strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(home_.c_str(), MNT_DETACH);
  }
  snaprun::testing::TempDir root_;
  std::string home_, outputs_;
  bool mounted_ = false;
};

TEST_F(FullDisk, HarvestFailsWithOneErrorNamingTheFileAndCorruptsNothing) {
  auto store = ObjectStore::Open(home_);
  ASSERT_TRUE(store);
  auto history = SqliteHistoryStore::Open(home_ + "/history.db");
  ASSERT_TRUE(history) << history.error().message();
  RunRecord run;
  run.id = NewRunId();
  run.name = "before";
  ASSERT_TRUE((*history)->Create(run));
  WriteFile(outputs_ + "/small.txt", "small and safe");
  auto first = HarvestOutputs(outputs_, *store, {});
  ASSERT_TRUE(first) << first.error().message();
  RunUpdate update;
  update.outputs_digest = "sha256:" + first->digest;
  ASSERT_TRUE((*history)->Update(run.id, update));

  std::string big(3 << 20, 'B');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>(i / 4096);
  WriteFile(outputs_ + "/big.bin", big);
  auto second = HarvestOutputs(outputs_, *store, {});
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message().find("big.bin"), std::string::npos)
      << second.error().message();
  EXPECT_NE(second.error().message().find("No space left on device"), std::string::npos)
      << second.error().message();

  EXPECT_TRUE(fs::is_empty(home_ + "/objects/tmp"));  // no half object left behind
  for (const TreeEntry& e : first->manifest.entries) {
    if (e.type == EntryType::kFile) {
      EXPECT_TRUE(store->Verify(e.digest)) << e.path;
    }
  }
  EXPECT_TRUE(LoadOutputsManifest(*store, first->digest));
  auto reread = (*history)->Get(run.id);
  ASSERT_TRUE(reread) << reread.error().message();
  EXPECT_EQ(reread->outputs_digest, "sha256:" + first->digest);
  std::string dest = root_.path() + "/export";
  EXPECT_TRUE(ExportOutputs(first->digest, *store, dest));
}

}  // namespace
}  // namespace snaprun::orchestrator
