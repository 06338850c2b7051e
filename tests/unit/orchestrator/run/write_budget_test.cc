// Measuring what a run wrote, as the sandbox may have laid it out to hide it.
#include "orchestrator/run/write_budget.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

void WriteBytes(const std::string& path, size_t n) {
  std::ofstream out(path, std::ios::binary);
  std::string chunk(1 << 16, 'x');
  for (size_t done = 0; done < n; done += chunk.size()) {
    out.write(chunk.data(), static_cast<std::streamsize>(std::min(chunk.size(), n - done)));
  }
}

TEST(MeasureTree, CountsAllocatedBytesAndEveryEntry) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/a/b");
  WriteBytes(dir.path() + "/a/b/one", 1 << 20);
  WriteBytes(dir.path() + "/two", 1 << 20);
  TreeUsage usage = MeasureTree(dir.path());
  EXPECT_GE(usage.bytes, 2u << 20);
  EXPECT_LT(usage.bytes, 3u << 20);
  EXPECT_EQ(usage.files, 4u);  // a, a/b, a/b/one, two
}

// A sparse file takes what it has written, not what it claims.
TEST(MeasureTree, ASparseFileCountsItsBlocksNotItsSize) {
  testing::TempDir dir;
  int fd = ::open((dir.path() + "/sparse").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, off_t{1} << 34), 0);  // 16 GiB of holes
  ::close(fd);
  EXPECT_LT(MeasureTree(dir.path()).bytes, 1u << 20);
}

// Data behind a symlink is not the run's: the link counts as itself.
TEST(MeasureTree, SymlinksAreNotFollowed) {
  testing::TempDir outside;
  WriteBytes(outside.path() + "/big", 4 << 20);
  testing::TempDir dir;
  std::filesystem::create_directory_symlink(outside.path(), dir.path() + "/link");
  TreeUsage usage = MeasureTree(dir.path());
  EXPECT_EQ(usage.files, 1u);
  EXPECT_LT(usage.bytes, 1u << 20);
}

// Nesting deeper than any fd limit or stack would allow hides nothing.
TEST(MeasureTree, ATreeDeeperThanPathMaxIsMeasuredWhole) {
  testing::TempDir dir;
  std::string path = dir.path();
  std::string name(200, 'd');
  int levels = 0;
  for (; levels < 40; ++levels) {  // 40 × 201 bytes: past PATH_MAX (4096)
    ASSERT_EQ(::mkdirat(AT_FDCWD, (path + "/" + name).c_str(), 0755), 0) << levels;
    path += "/" + name;
    if (path.size() > 3500) break;
  }
  // Past PATH_MAX the full path no longer opens: go on relative to an fd.
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(::mkdirat(fd, name.c_str(), 0755), 0);
    int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::close(fd);
    ASSERT_GE(next, 0);
    fd = next;
  }
  int file = ::openat(fd, "deep", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(file, 0);
  std::string chunk(1 << 20, 'x');
  ASSERT_EQ(::write(file, chunk.data(), chunk.size()), static_cast<ssize_t>(chunk.size()));
  ::close(file);
  ::close(fd);
  EXPECT_GE(MeasureTree(dir.path()).bytes, 1u << 20);
}

TEST(CheckBudgets, NamesTheBudgetOverItsBytesOrItsEntries) {
  testing::TempDir dir;
  WriteBytes(dir.path() + "/f", 2 << 20);
  BudgetCheck bytes = CheckBudgets({{"outputs/", {dir.path()}, 1 << 20, 100}}, dir.path(), 0, 0);
  ASSERT_TRUE(bytes.stop);
  EXPECT_EQ(bytes.stop->rfind("outputs/ went over its budget: 2.0 MiB of 1.0 MiB", 0), 0u)
      << *bytes.stop;
  std::ofstream(dir.path() + "/g") << "x";
  BudgetCheck files = CheckBudgets({{"logs/", {dir.path()}, 64 << 20, 1}}, dir.path(), 0, 0);
  ASSERT_TRUE(files.stop);
  EXPECT_NE(files.stop->find("2 entries of 1"), std::string::npos) << *files.stop;
  EXPECT_FALSE(CheckBudgets({{"logs/", {dir.path()}, 64 << 20, 10}}, dir.path(), 0, 0).stop);
}

// Below the reserve, a run that has written since the last look is stopped; one that
// has not is left alone: others may have filled the disk.
TEST(CheckBudgets, TheFreeSpaceReserveStopsOnlyARunThatIsWriting) {
  testing::TempDir dir;
  WriteBytes(dir.path() + "/f", 1 << 20);
  std::vector<WriteBudget> budgets = {{"outputs/", {dir.path()}, 64 << 20, 100}};
  uint64_t everything = std::numeric_limits<uint64_t>::max();
  BudgetCheck first = CheckBudgets(budgets, dir.path(), everything, 0);
  ASSERT_TRUE(first.stop);
  EXPECT_NE(first.stop->find("a run may not take"), std::string::npos) << *first.stop;
  EXPECT_FALSE(CheckBudgets(budgets, dir.path(), everything, first.bytes).stop);
}

}  // namespace
}  // namespace snaprun::orchestrator
