// The ignore rules against git itself: many seeded random trees with random ignore files,
// each compared path by path with `git ls-files --others --exclude-standard` (the set of
// files git would consider, which is exactly what a snapshot should include).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "orchestrator/snapshot/walker.h"
#include "orchestrator/store/fs_at.h"
#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kNames = {"a",   "b",   "c",      "ab",  "a.txt",   "b.log", "c.py",
                                         "foo", "bar", "x y",    "#c",  "!d",      "[x]",   "e*",
                                         "q?",  "d.d", "ab.txt", "Foo", "bar.log", "a b "};
const std::vector<std::string> kSegments = {
    "a",     "b",     "foo",   "bar",   "*",    "?",   "a*",           "*.txt",
    "*.log", "[ab]",  "[!a]*", "[a-c]", "**",   "*b*", "[[:alpha:]]*", "\\#c",
    "\\!d",  "x\\ y", "\\[x]", "e\\*",  "q\\?", "*.*", "F*",           "[[:upper:]]*",
    "b?r",   "d.d",   "[]]"};

struct Generator {
  std::mt19937 rng;
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  bool Chance(int percent) { return static_cast<int>(Pick(100)) < percent; }

  std::string Pattern() {
    switch (Pick(12)) {
      case 0:
        return "# comment";
      case 1:
        return "";
      case 2:
        return kSegments[Pick(kSegments.size())] + "   ";
      default:
        break;
    }
    std::string p = Chance(25) ? "!" : "";
    if (Chance(25)) p += "/";
    size_t parts = 1 + Pick(Chance(50) ? 1 : 3);
    for (size_t i = 0; i < parts; ++i) p += (i ? "/" : "") + kSegments[Pick(kSegments.size())];
    if (Chance(25)) p += "/";
    return p;
  }

  std::string IgnoreText() {
    std::string text;
    size_t lines = 1 + Pick(5);
    for (size_t i = 0; i < lines; ++i) text += Pattern() + "\n";
    return text;
  }

  // Builds a random tree under DIR; returns the directories where ignore files went.
  void Tree(const std::string& dir, int depth, bool amlignore) {
    fs::create_directories(dir);
    if (Chance(45)) {
      std::ofstream(dir + "/.gitignore") << IgnoreText();
      if (amlignore && Chance(50)) std::ofstream(dir + "/.amlignore") << IgnoreText();
    } else if (amlignore && Chance(20)) {
      std::ofstream(dir + "/.amlignore") << IgnoreText();
    }
    size_t children = 1 + Pick(5);
    for (size_t i = 0; i < children; ++i) {
      std::string child = dir + "/" + kNames[Pick(kNames.size())];
      if (fs::exists(fs::symlink_status(child))) continue;
      if (depth < 4 && Chance(40)) {
        Tree(child, depth + 1, amlignore);
      } else {
        std::ofstream(child) << "x";
      }
    }
  }
};

bool IsIgnoreFileName(const std::string& path) {
  std::string base = fs::path(path).filename();
  return base == ".gitignore" || base == ".amlignore";
}

// The oracle's view of an .amlignore tree: per directory, .amlignore becomes .gitignore.
void RenameAmlignoreForGit(const std::string& root) {
  for (auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().filename() != ".amlignore") continue;
    fs::rename(entry.path(), entry.path().parent_path() / ".gitignore");
  }
}

std::set<std::string> GitIncluded(const std::string& work, const std::string& git_dir) {
  testing::CommandResult r = testing::RunCommand(
      {"git", "-c", "core.excludesFile=/dev/null", "--git-dir=" + git_dir, "--work-tree=" + work,
       "ls-files", "-z", "--others", "--exclude-standard"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> paths;
  std::stringstream in(r.out);
  for (std::string path; std::getline(in, path, '\0');) paths.insert(path);
  return paths;
}

std::set<std::string> WalkerIncluded(const std::string& root) {
  UniqueFd fd = OpenDirectory(root).value();
  WalkResult walk = WalkTree(fd.get(), root, {}).value();
  std::set<std::string> paths;
  for (const TreeEntry& e : walk.entries) {
    if (e.type != EntryType::kDirectory) paths.insert(e.path);
  }
  return paths;
}

std::string DumpIgnoreFiles(const std::string& root) {
  std::string out;
  for (auto& entry : fs::recursive_directory_iterator(root)) {
    if (!IsIgnoreFileName(entry.path())) continue;
    std::ifstream in(entry.path());
    out += "--- " + fs::relative(entry.path(), root).string() + "\n" +
           std::string(std::istreambuf_iterator<char>(in), {});
  }
  return out;
}

void CompareWithGit(bool amlignore, int trees) {
  if (testing::RunCommand({"git", "--version"}).exit_code != 0) GTEST_SKIP() << "git is missing";
  testing::TempDir scratch;
  std::string git_dir = scratch.path() + "/repo.git";
  ASSERT_EQ(testing::RunCommand({"git", "init", "-q", "--bare", git_dir}).exit_code, 0);
  Generator gen{std::mt19937(amlignore ? 20261127u : 4242u)};
  size_t compared = 0;
  for (int i = 0; i < trees; ++i) {
    std::string root = scratch.path() + "/t" + std::to_string(i);
    gen.Tree(root, 0, amlignore);
    std::set<std::string> ours = WalkerIncluded(root);
    if (amlignore) RenameAmlignoreForGit(root);
    std::set<std::string> git = GitIncluded(root, git_dir);
    if (amlignore) {  // the ignore files were renamed for the oracle: compare the rest
      std::erase_if(ours, IsIgnoreFileName);
      std::erase_if(git, IsIgnoreFileName);
    }
    compared += git.size();
    ASSERT_EQ(ours, git) << "tree " << i << " differs from git; ignore files:\n"
                         << DumpIgnoreFiles(root);
    fs::remove_all(root);
  }
  EXPECT_GT(compared, static_cast<size_t>(trees));  // the corpus is not all-ignored
}

TEST(IgnoreOracle, GitignoreTreesMatchGit) { CompareWithGit(false, 400); }

TEST(IgnoreOracle, AmlignorePrecedenceMatchesGitAfterRename) { CompareWithGit(true, 300); }

}  // namespace
}  // namespace snaprun::orchestrator
