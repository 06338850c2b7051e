// As root, where the harvest could read anything: hard links to host files, and files the
// run's user could not have read, must not reach the store.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/unit/orchestrator/harvest/harvest_fixture.h"

namespace snaprun::orchestrator {
namespace {

class HarvestAsRoot : public HarvestTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    auto found = snaprun::testing::UnprivilegedUser();
    if (!found) GTEST_SKIP() << "no unprivileged test user (scripts/test-user.sh)";
    user_ = *found;
    HarvestTest::SetUp();
    ASSERT_EQ(::chown(outputs_.c_str(), user_.uid, user_.gid), 0);
  }
  snaprun::testing::TestUser user_{};
};

TEST_F(HarvestAsRoot, HardLinkToARootOwnedHostFileIsNotCopied) {
  std::string host_file = root_.path() + "/host-shadow";
  WriteFile(host_file, "root:$6$secret-hash:19000:0:99999:7:::\n", 0644);
  ASSERT_EQ(::link(host_file.c_str(), (outputs_ + "/stolen").c_str()), 0);
  WriteFile(outputs_ + "/mine.txt", "mine");
  ASSERT_EQ(::chown((outputs_ + "/mine.txt").c_str(), user_.uid, user_.gid), 0);
  OutputsResult r = HarvestOk();
  EXPECT_EQ(FindEntry(r.manifest, "stolen"), nullptr);
  EXPECT_NE(FindEntry(r.manifest, "mine.txt"), nullptr);
  EXPECT_FALSE(StoreHoldsContent(home_, ReadWhole(host_file)));
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("hard link (2 links)"), std::string::npos) << r.notes[0];
}

TEST_F(HarvestAsRoot, RootOnlyFileTheRunsUserCouldNotReadIsNotCopied) {
  WriteFile(outputs_ + "/root-only", "only root reads this\n", 0600);  // owned by root
  OutputsResult r = HarvestOk();
  EXPECT_EQ(FindEntry(r.manifest, "root-only"), nullptr);
  EXPECT_FALSE(StoreHoldsContent(home_, "only root reads this\n"));
}

TEST_F(HarvestAsRoot, HardLinksBetweenTheRunsOwnFilesAreKept) {
  WriteFile(outputs_ + "/a", "shared");
  ASSERT_EQ(::chown((outputs_ + "/a").c_str(), user_.uid, user_.gid), 0);
  ASSERT_EQ(::link((outputs_ + "/a").c_str(), (outputs_ + "/b").c_str()), 0);
  OutputsResult r = HarvestOk();
  EXPECT_NE(FindEntry(r.manifest, "a"), nullptr);
  EXPECT_NE(FindEntry(r.manifest, "b"), nullptr);
  EXPECT_TRUE(r.notes.empty());
}

}  // namespace
}  // namespace snaprun::orchestrator
