#include "orchestrator/snapshot/materialize.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "orchestrator/snapshot/snapshot.h"
#include "sandbox/base/atomic_file.h"
#include "tests/support/process.h"
#include "tests/unit/orchestrator/snapshot/tree_helpers.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;
using testing_tree::WriteFile;

struct Fixture {
  snaprun::testing::TempDir home;
  snaprun::testing::TempDir code;
  ObjectStore store = ObjectStore::Open(home.path()).value();

  std::string Sample() {
    WriteFile(code.path() + "/train.py", "print(1)\n", 0644);
    WriteFile(code.path() + "/run.sh", "#!/bin/sh\n", 0755);
    WriteFile(code.path() + "/lib/util.py", "x = 1\n", 0600);
    fs::create_directories(code.path() + "/empty");
    fs::create_symlink("lib/util.py", code.path() + "/link");
    return TakeSnapshot(code.path(), {}, store).value().digest;
  }
};

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode;
}

ino_t InodeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_ino;
}

TEST(Materialize, TreeMatchesTheSnapshotAndIsReadOnly) {
  Fixture f;
  std::string digest = f.Sample();
  std::string tree = MaterializeSnapshot(f.store, digest).value();
  EXPECT_EQ(tree, f.home.path() + "/trees/" + digest);
  EXPECT_EQ(ReadFile(tree + "/train.py").value(), "print(1)\n");
  EXPECT_EQ(ReadFile(tree + "/lib/util.py").value(), "x = 1\n");
  EXPECT_EQ(fs::read_symlink(tree + "/link"), "lib/util.py");
  EXPECT_EQ(ModeOf(tree + "/train.py") & 07777, 0444u);
  EXPECT_EQ(ModeOf(tree + "/lib/util.py") & 07777, 0444u);
  EXPECT_EQ(ModeOf(tree + "/run.sh") & 07777, 0555u);
  EXPECT_EQ(ModeOf(tree) & 07777, 0555u);
  EXPECT_EQ(ModeOf(tree + "/lib") & 07777, 0555u);
  EXPECT_TRUE(S_ISDIR(ModeOf(tree + "/empty")));
  // Plain files share the object's inode; executables are separate copies, so the object
  // keeps its 0444 mode.
  Manifest m = LoadManifest(f.store, digest).value();
  for (const TreeEntry& e : m.entries) {
    if (e.path == "train.py") {
      EXPECT_EQ(InodeOf(tree + "/train.py"), InodeOf(f.store.ObjectPath(e.digest)));
    }
    if (e.path == "run.sh") {
      EXPECT_NE(InodeOf(tree + "/run.sh"), InodeOf(f.store.ObjectPath(e.digest)));
      EXPECT_EQ(ModeOf(f.store.ObjectPath(e.digest)) & 07777, 0444u);
    }
  }
  EXPECT_EQ(MaterializeSnapshot(f.store, digest).value(), tree);
}

TEST(Materialize, TreeIsNotWritableByItsUser) {
  auto user = snaprun::testing::UnprivilegedUser();
  if (!user) GTEST_SKIP() << "no unprivileged test user (scripts/test-user.sh)";
  Fixture f;
  std::string digest = f.Sample();
  std::string tree = MaterializeSnapshot(f.store, digest).value();
  f.home.ChownTo(*user);
  for (const std::string& target : {tree + "/train.py", tree + "/new-file"}) {
    auto r = snaprun::testing::RunCommand(
        snaprun::testing::AsUser(*user, {"sh", "-c", "echo x > '" + target + "'"}));
    EXPECT_NE(r.exit_code, 0) << target;
  }
  EXPECT_EQ(ReadFile(tree + "/train.py").value(), "print(1)\n");
}

TEST(Materialize, CorruptObjectFailsAndLeavesNoTree) {
  Fixture f;
  std::string digest = f.Sample();
  Manifest m = LoadManifest(f.store, digest).value();
  std::string object;
  for (const TreeEntry& e : m.entries) {
    if (e.path == "train.py") object = f.store.ObjectPath(e.digest);
  }
  ::chmod(object.c_str(), 0644);
  ASSERT_TRUE(WriteFileAtomic(object, "print(2)\n", 0444).has_value());
  auto r = MaterializeSnapshot(f.store, digest);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message().find("train.py"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(f.home.path() + "/trees"));
}

TEST(Materialize, ConcurrentBuildersOfOneDigestAgree) {
  Fixture f;
  std::string digest = f.Sample();
  std::vector<pid_t> children;
  for (int c = 0; c < 4; ++c) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = ObjectStore::Open(f.home.path());
      _exit(store && MaterializeSnapshot(*store, digest) ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::vector<std::string> names;
  for (auto& e : fs::directory_iterator(f.home.path() + "/trees"))
    names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{digest});  // no temp directories left
  EXPECT_EQ(ReadFile(f.home.path() + "/trees/" + digest + "/run.sh").value(), "#!/bin/sh\n");
}

TEST(Materialize, UnknownDigestIsNotFound) {
  Fixture f;
  auto r = MaterializeSnapshot(f.store, std::string(64, 'a'));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace snaprun::orchestrator
