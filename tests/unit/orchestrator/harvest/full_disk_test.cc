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
  // Harvests a small file, then the small file beside one larger than the disk, with
  // THREADS hashing threads; checks that the failure corrupts nothing and returns its
  // message.
  std::string HarvestUntilTheDiskIsFull(unsigned threads) {
    auto store = ObjectStore::Open(home_);
    EXPECT_TRUE(store);
    if (!store) return "";
    auto history = SqliteHistoryStore::Open(home_ + "/history.db");
    EXPECT_TRUE(history) << history.error().message();
    if (!history) return "";
    RunRecord run;
    run.id = NewRunId();
    run.name = "before";
    EXPECT_TRUE((*history)->Create(run));
    WriteFile(outputs_ + "/small.txt", "small and safe");
    HarvestOptions options;
    options.threads = threads;
    auto first = HarvestOutputs(outputs_, *store, {}, options);
    EXPECT_TRUE(first) << first.error().message();
    if (!first) return "";
    RunUpdate update;
    update.outputs_digest = "sha256:" + first->digest;
    EXPECT_TRUE((*history)->Update(run.id, update));

    std::string big(3 << 20, 'B');
    for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>(i / 4096);
    WriteFile(outputs_ + "/big.bin", big);
    auto second = HarvestOutputs(outputs_, *store, {}, options);
    EXPECT_FALSE(second);
    if (second) return "";
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
    EXPECT_TRUE(reread) << reread.error().message();
    if (reread) {
      EXPECT_EQ(reread->outputs_digest, "sha256:" + first->digest);
    }
    std::string dest = root_.path() + "/export";
    EXPECT_TRUE(ExportOutputs(first->digest, *store, dest));
    return second.error().message();
  }
  snaprun::testing::TempDir root_;
  std::string home_, outputs_;
  bool mounted_ = false;
};

// One hashing thread: big.bin, first in path order, is the write that meets the full disk.
TEST_F(FullDisk, HarvestFailsWithOneErrorNamingTheFileAndCorruptsNothing) {
  std::string message = HarvestUntilTheDiskIsFull(1);
  EXPECT_NE(message.find("outputs/big.bin"), std::string::npos) << message;
}

// Two threads copy small.txt beside big.bin before small.txt's digest is known, so either
// copy can be the write the kernel refuses; the one error names whichever it was.
TEST_F(FullDisk, ParallelHarvestFailsWithOneErrorAndCorruptsNothing) {
  std::string message = HarvestUntilTheDiskIsFull(2);
  EXPECT_TRUE(message.find("outputs/big.bin") != std::string::npos ||
              message.find("outputs/small.txt") != std::string::npos)
      << message;
  EXPECT_EQ(message.find("No space left on device"), message.rfind("No space left on device"))
      << "one error, not one per file: " << message;
}

}  // namespace
}  // namespace snaprun::orchestrator
