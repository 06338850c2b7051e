// Git provenance read through the git command, and process start times.
#include "orchestrator/history/git_provenance.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
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

TEST(GitProvenance, SubdirectoryDetachedHeadAndUnbornBranch) {
  if (RunCommand({"git", "--version"}).exit_code != 0) GTEST_SKIP() << "git is not installed";
  snaprun::testing::TempDir dir;
  Git(dir.path(), {"init", "-q", "-b", "main"});
  std::filesystem::create_directories(dir.path() + "/src/model");
  std::optional<GitProvenance> unborn = ReadGitProvenance(dir.path() + "/src/model");
  ASSERT_TRUE(unborn.has_value());
  EXPECT_EQ(unborn->commit, "");
  EXPECT_EQ(unborn->branch, "main");
  EXPECT_FALSE(unborn->dirty) << "empty directories are not changes";

  std::ofstream(dir.path() + "/src/model/fit.py") << "pass\n";
  Git(dir.path(), {"add", "."});
  Git(dir.path(), {"commit", "-q", "-m", "first"});
  Git(dir.path(), {"checkout", "-q", "--detach"});
  std::optional<GitProvenance> detached = ReadGitProvenance(dir.path() + "/src/model");
  ASSERT_TRUE(detached.has_value());
  EXPECT_EQ(detached->branch, "") << "a detached HEAD has no branch";
  EXPECT_EQ(detached->commit.size(), 40u);
  EXPECT_EQ(detached->remote_url, "");
}

TEST(GitProvenance, LinkedWorktreeWithAGitFileIsFound) {
  if (RunCommand({"git", "--version"}).exit_code != 0) GTEST_SKIP() << "git is not installed";
  snaprun::testing::TempDir dir;
  Git(dir.path(), {"init", "-q", "-b", "main", dir.path() + "/repo"});
  std::ofstream(dir.path() + "/repo/a") << "a\n";
  Git(dir.path() + "/repo", {"add", "a"});
  Git(dir.path() + "/repo", {"commit", "-q", "-m", "a"});
  Git(dir.path() + "/repo", {"worktree", "add", "-q", "-b", "side", dir.path() + "/side"});
  ASSERT_TRUE(std::filesystem::is_regular_file(dir.path() + "/side/.git"));
  std::optional<GitProvenance> git = ReadGitProvenance(dir.path() + "/side");
  ASSERT_TRUE(git.has_value());
  EXPECT_EQ(git->branch, "side");
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
