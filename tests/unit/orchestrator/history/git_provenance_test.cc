// Git provenance read through the git command, and process start times.
#include "orchestrator/history/git_provenance.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

using snaprun::testing::RunCommand;

void Git(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@e"});
  auto result = RunCommand(args);
  ASSERT_EQ(result.exit_code, 0) << result.err;
}

TEST(GitProvenance, ReadsCommitBranchRemoteAndDirtiness) {
  if (RunCommand({"git", "--version"}).exit_code != 0) GTEST_SKIP() << "git is not installed";
  snaprun::testing::TempDir dir;
  Git(dir.path(), {"init", "-q", "-b", "trunk"});
  Git(dir.path(), {"remote", "add", "origin", "https://git.example/lab.git"});
  std::ofstream(dir.path() + "/train.py") << "print(1)\n";
  Git(dir.path(), {"add", "train.py"});
  Git(dir.path(), {"commit", "-q", "-m", "first"});
  std::string head = RunCommand({"git", "-C", dir.path(), "rev-parse", "HEAD"}).out;
  head.pop_back();

  std::optional<GitProvenance> git = ReadGitProvenance(dir.path());
  ASSERT_TRUE(git.has_value());
  EXPECT_EQ(git->commit, head);
  EXPECT_EQ(git->branch, "trunk");
  EXPECT_EQ(git->remote_url, "https://git.example/lab.git");
  EXPECT_FALSE(git->dirty);

  std::ofstream(dir.path() + "/notes.txt") << "untracked\n";
  EXPECT_TRUE(ReadGitProvenance(dir.path())->dirty);
}

TEST(GitProvenance, NoneOutsideAWorkTree) {
  snaprun::testing::TempDir dir;
  EXPECT_FALSE(ReadGitProvenance(dir.path()).has_value());
  EXPECT_FALSE(ReadGitProvenance(dir.path() + "/missing").has_value());
}

TEST(GitProvenance, NoneWithoutGitOnPath) {
  snaprun::testing::TempDir dir;
  const char* saved = getenv("PATH");
  std::string old_path = saved ? saved : "";
  setenv("PATH", dir.path().c_str(), 1);
  std::optional<GitProvenance> git = ReadGitProvenance(snaprun::testing::SourcePath(""));
  setenv("PATH", old_path.c_str(), 1);
  EXPECT_FALSE(git.has_value());
}

TEST(ProcessStartTime, IdentifiesALiveProcess) {
  std::optional<uint64_t> mine = ReadProcessStartTime(getpid());
  ASSERT_TRUE(mine.has_value());
  EXPECT_EQ(ReadProcessStartTime(getpid()), mine);
  EXPECT_GT(*mine, 0u);
  EXPECT_FALSE(ReadProcessStartTime(0x3fffffff).has_value());
}

}  // namespace
}  // namespace snaprun::orchestrator
