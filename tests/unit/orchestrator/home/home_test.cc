// SNAPRUN_HOME holds what runs trust (snapshots, images, history): it is made
// private, and a home another user could write is refused, never "fixed".
#include "orchestrator/home/home.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "tests/support/host_facts.h"
#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

mode_t ModeOf(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class SnaprunHome : public ::testing::Test {
 protected:
  void SetUp() override { Use(root_.path() + "/deep/er/home"); }
  void TearDown() override { ::unsetenv("SNAPRUN_HOME"); }
  void Use(const std::string& home) {
    home_ = home;
    ::setenv("SNAPRUN_HOME", home.c_str(), 1);
  }
  std::string Refusal() {
    auto made = EnsureSnaprunHome();
    EXPECT_FALSE(made);
    return made ? "" : made.error().message();
  }
  snaprun::testing::TempDir root_;
  std::string home_;
};

TEST_F(SnaprunHome, ANewHomeIsCreated0700WithItsParents) {
  auto made = EnsureSnaprunHome();
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(*made, home_);
  EXPECT_EQ(ModeOf(home_), 0700u);
}

TEST_F(SnaprunHome, AnExistingPrivateHomeKeepsTheModeItsOwnerSet) {
  ASSERT_TRUE(EnsureSnaprunHome());
  ASSERT_EQ(::chmod(home_.c_str(), 0750), 0);
  ASSERT_TRUE(EnsureSnaprunHome());
  EXPECT_EQ(ModeOf(home_), 0750u);
}

TEST_F(SnaprunHome, AGroupWritableHomeIsRefusedAndLeftAsItIs) {
  ASSERT_TRUE(EnsureSnaprunHome());
  ASSERT_EQ(::chmod(home_.c_str(), 0770), 0);
  std::string why = Refusal();
  EXPECT_NE(why.find(home_ + " is writable by its group (mode 0770)"), std::string::npos) << why;
  EXPECT_NE(why.find("chmod go-w"), std::string::npos) << why;
  EXPECT_EQ(ModeOf(home_), 0770u);
}

TEST_F(SnaprunHome, AWorldWritableHomeIsRefused) {
  ASSERT_TRUE(EnsureSnaprunHome());
  ASSERT_EQ(::chmod(home_.c_str(), 01777), 0);
  std::string why = Refusal();
  EXPECT_NE(why.find("writable by every user (mode 1777)"), std::string::npos) << why;
}

TEST_F(SnaprunHome, AHomeOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << snaprun::testing::RootOnlySkip("giving a directory to another user needs root");
  }
  ASSERT_TRUE(EnsureSnaprunHome());
  ASSERT_EQ(::chown(home_.c_str(), 65534, 65534), 0);
  std::string why = Refusal();
  EXPECT_NE(why.find("is owned by uid 65534, not by you (uid 0)"), std::string::npos) << why;
}

TEST_F(SnaprunHome, AFileInItsPlaceIsRefused) {
  Use(root_.path() + "/file");
  std::ofstream(home_) << "not a directory\n";
  std::string why = Refusal();
  EXPECT_NE(why.find("is not a directory"), std::string::npos) << why;
}

}  // namespace
}  // namespace snaprun::orchestrator
