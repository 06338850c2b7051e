#include "orchestrator/snapshot/ignore_rules.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "orchestrator/snapshot/walker.h"
#include "orchestrator/store/fs_at.h"
#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;

bool Excluded(const std::string& rules, const std::string& path, bool is_dir = false) {
  IgnoreStack stack;
  stack.Push(ParseIgnoreFile("", ".gitignore", rules));
  return stack.Decide(path, is_dir).excluded;
}

TEST(IgnoreRules, CommentsAndBlankLinesAreNotPatterns) {
  IgnoreFile file = ParseIgnoreFile("", ".gitignore", "# comment\n\n   \n\\#hash\nx\n");
  ASSERT_EQ(file.patterns.size(), 2u);
  EXPECT_EQ(file.patterns[0].glob, "\\#hash");
  EXPECT_EQ(file.patterns[0].line, 4);
  EXPECT_TRUE(Excluded("\\#hash\n", "#hash"));
  EXPECT_FALSE(Excluded("#hash\n", "#hash"));
}

TEST(IgnoreRules, TrailingSpacesDroppedUnlessEscaped) {
  EXPECT_TRUE(Excluded("a.txt   \n", "a.txt"));
  EXPECT_TRUE(Excluded("a\\ \n", "a "));
  EXPECT_FALSE(Excluded("a\\ \n", "a"));
  EXPECT_TRUE(Excluded("a.txt\r\n", "a.txt"));
  EXPECT_TRUE(
      Excluded("\xEF\xBB\xBF"
               "a.txt\n",
               "a.txt"));
}

TEST(IgnoreRules, NegationReincludesAndLastMatchWins) {
  EXPECT_FALSE(Excluded("*.log\n!keep.log\n", "keep.log"));
  EXPECT_TRUE(Excluded("*.log\n!keep.log\n", "other.log"));
  EXPECT_TRUE(Excluded("!keep.log\n*.log\n", "keep.log"));
  EXPECT_TRUE(Excluded("\\!bang\n", "!bang"));
}

TEST(IgnoreRules, UnanchoredPatternsMatchBasenameAtAnyDepth) {
  EXPECT_TRUE(Excluded("build\n", "build", true));
  EXPECT_TRUE(Excluded("build\n", "src/deep/build", true));
  EXPECT_TRUE(Excluded("*.o\n", "a/b/c.o"));
}

TEST(IgnoreRules, LeadingAndMiddleSlashAnchor) {
  EXPECT_TRUE(Excluded("/build\n", "build", true));
  EXPECT_FALSE(Excluded("/build\n", "src/build", true));
  EXPECT_TRUE(Excluded("doc/*.html\n", "doc/a.html"));
  EXPECT_FALSE(Excluded("doc/*.html\n", "x/doc/a.html"));
  EXPECT_FALSE(Excluded("doc/*.html\n", "doc/sub/a.html"));
}

TEST(IgnoreRules, TrailingSlashMatchesDirectoriesOnly) {
  EXPECT_TRUE(Excluded("cache/\n", "cache", true));
  EXPECT_FALSE(Excluded("cache/\n", "cache", false));
  EXPECT_TRUE(Excluded("cache/\n", "a/cache", true));
}

TEST(IgnoreRules, NestedFileAppliesRelativeToItsDirectory) {
  IgnoreStack stack;
  stack.Push(ParseIgnoreFile("", ".gitignore", "*.tmp\n"));
  stack.Push(ParseIgnoreFile("sub", "sub/.gitignore", "/local\n!keep.tmp\n"));
  EXPECT_TRUE(stack.Decide("sub/local", false).excluded);
  EXPECT_FALSE(stack.Decide("sub/x/local", false).excluded);
  EXPECT_FALSE(stack.Decide("sub/keep.tmp", false).excluded);
  IgnoreDecision d = stack.Decide("sub/other.tmp", false);
  EXPECT_TRUE(d.excluded);
  EXPECT_EQ(d.file, 0);
  EXPECT_EQ(d.line, 1);
}

void Write(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << content;
}

std::set<std::string> Included(const std::string& root) {
  UniqueFd fd = OpenDirectory(root).value();
  WalkResult walk = WalkTree(fd.get(), root, {}).value();
  std::set<std::string> paths;
  for (const TreeEntry& e : walk.entries) paths.insert(e.path);
  return paths;
}

TEST(IgnoreWalk, ExcludedDirectoryChildrenCannotBeReincluded) {
  testing::TempDir dir;
  Write(dir.path() + "/.gitignore", "logs/\n!logs/keep.txt\n");
  Write(dir.path() + "/logs/keep.txt", "k");
  Write(dir.path() + "/logs/other.txt", "o");
  std::set<std::string> paths = Included(dir.path());
  EXPECT_EQ(paths.count("logs/keep.txt"), 0u);
  EXPECT_EQ(paths.count("logs"), 0u);
  EXPECT_EQ(paths.count(".gitignore"), 1u);
}

TEST(IgnoreWalk, ContentsPatternAllowsReinclusion) {
  testing::TempDir dir;
  Write(dir.path() + "/.gitignore", "logs/*\n!logs/keep.txt\n");
  Write(dir.path() + "/logs/keep.txt", "k");
  Write(dir.path() + "/logs/other.txt", "o");
  std::set<std::string> paths = Included(dir.path());
  EXPECT_EQ(paths.count("logs/keep.txt"), 1u);
  EXPECT_EQ(paths.count("logs/other.txt"), 0u);
}

TEST(IgnoreWalk, AmlignoreReplacesGitignoreInItsDirectory) {
  testing::TempDir dir;
  Write(dir.path() + "/.gitignore", "*.csv\n");
  Write(dir.path() + "/.amlignore", "*.bin\n");
  Write(dir.path() + "/a.csv", "c");
  Write(dir.path() + "/a.bin", "b");
  Write(dir.path() + "/sub/.gitignore", "*.txt\n");
  Write(dir.path() + "/sub/a.txt", "t");
  Write(dir.path() + "/sub/b.csv", "c");
  std::set<std::string> paths = Included(dir.path());
  EXPECT_EQ(paths.count("a.csv"), 1u);  // root .gitignore unused
  EXPECT_EQ(paths.count("a.bin"), 0u);
  EXPECT_EQ(paths.count("sub/a.txt"), 0u);  // sub has only .gitignore: it applies
  EXPECT_EQ(paths.count("sub/b.csv"), 1u);
  EXPECT_EQ(paths.count(".gitignore"), 1u);  // ignore files themselves are included
  EXPECT_EQ(paths.count(".amlignore"), 1u);
}

TEST(IgnoreWalk, SummaryCountsWhatEachFileExcluded) {
  testing::TempDir dir;
  Write(dir.path() + "/.gitignore", "*.bin\ndata/\n");
  Write(dir.path() + "/a.bin", "12345");
  Write(dir.path() + "/data/x", "123");
  Write(dir.path() + "/data/y", "1");
  UniqueFd fd = OpenDirectory(dir.path()).value();
  WalkResult walk = WalkTree(fd.get(), dir.path(), WalkOptions{true, true, {}}).value();
  ASSERT_EQ(walk.excluded.size(), 1u);
  EXPECT_EQ(walk.excluded[0].source, ".gitignore");
  EXPECT_EQ(walk.excluded[0].dirs, 1u);
  EXPECT_EQ(walk.excluded[0].files, 3u);
  EXPECT_EQ(walk.excluded[0].bytes, 9u);
}

}  // namespace
}  // namespace snaprun::orchestrator
