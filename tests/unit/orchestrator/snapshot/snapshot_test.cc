#include "orchestrator/snapshot/snapshot.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "orchestrator/snapshot/materialize.h"
#include "orchestrator/store/fs_at.h"
#include "sandbox/base/atomic_file.h"
#include "tests/support/process.h"
#include "tests/unit/orchestrator/snapshot/tree_helpers.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;
using testing_tree::SetMtime;
using testing_tree::WriteFile;

struct Fixture {
  snaprun::testing::TempDir home;
  snaprun::testing::TempDir code;
  ObjectStore store = ObjectStore::Open(home.path()).value();
};

Result<SnapshotResult> Snap(const Fixture& f, const std::string& dir, SnapshotLimits limits = {}) {
  return TakeSnapshot(dir, limits, f.store);
}

// A snapshot taken as if a minute from now, when every file written so far is past
// the stat cache's racy window: no test waits for the clock.
SnapshotResult SnapLater(const Fixture& f, const std::string& dir) {
  SnapshotOptions options;
  options.wall_clock_ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch() + std::chrono::minutes(1))
        .count();
  };
  return TakeSnapshot(dir, {}, f.store, options).value();
}

void BuildSample(const std::string& root, bool reverse_order, time_t mtime) {
  std::vector<std::pair<std::string, std::string>> files = {{"train.py", "print('train')\n"},
                                                            {"lib/util.py", "x = 1\n"},
                                                            {"lib/data/cfg.yaml", "a: 1\n"},
                                                            {"README", "read me\n"},
                                                            {"run.sh", "#!/bin/sh\necho hi\n"}};
  if (reverse_order) std::reverse(files.begin(), files.end());
  for (auto& [path, content] : files) {
    WriteFile(root + "/" + path, content, path == "run.sh" ? 0755 : 0644);
    SetMtime(root + "/" + path, mtime);
  }
  fs::create_directories(root + "/empty");
  fs::create_symlink("lib/util.py", root + "/link");
}

TEST(Snapshot, SameTreeGivesSameDigestRegardlessOfTimesOwnersAndOrder) {
  Fixture f;
  BuildSample(f.code.path() + "/one", false, 1000000000);
  BuildSample(f.code.path() + "/two", true, 1700000000);
  if (auto user = snaprun::testing::UnprivilegedUser(); user && getuid() == 0) {
    snaprun::testing::RunCommand({"chown", "-R",
                                  std::to_string(user->uid) + ":" + std::to_string(user->gid),
                                  f.code.path() + "/two"});
  }
  SnapshotResult one = Snap(f, f.code.path() + "/one").value();
  SnapshotResult two = Snap(f, f.code.path() + "/two").value();
  EXPECT_EQ(one.digest, two.digest);
  EXPECT_EQ(one.manifest.files, 6u);
  EXPECT_EQ(Snap(f, f.code.path() + "/one").value().digest, one.digest);
}

TEST(Snapshot, ModeContentOrNameChangesTheDigest) {
  Fixture f;
  std::string root = f.code.path();
  BuildSample(root, false, 1000000000);
  std::string base = Snap(f, root).value().digest;
  ::chmod((root + "/train.py").c_str(), 0755);
  std::string mode_changed = Snap(f, root).value().digest;
  EXPECT_NE(mode_changed, base);
  ::chmod((root + "/train.py").c_str(), 0644);
  EXPECT_EQ(Snap(f, root).value().digest, base);
  WriteFile(root + "/README", "changed\n");
  EXPECT_NE(Snap(f, root).value().digest, base);
}

TEST(Snapshot, SymlinksAreStoredNotFollowed) {
  Fixture f;
  std::string root = f.code.path();
  WriteFile(f.home.path() + "/outside/secret.txt", "secret");
  WriteFile(root + "/a.txt", "a");
  fs::create_symlink(f.home.path() + "/outside", root + "/dirlink");
  fs::create_symlink("/etc/passwd", root + "/passwd");
  fs::create_symlink("missing-target", root + "/dangling");
  SnapshotResult r = Snap(f, root).value();
  int symlinks = 0;
  for (const TreeEntry& e : r.manifest.entries) {
    EXPECT_EQ(e.path.find("secret"), std::string::npos) << e.path;
    if (e.type == EntryType::kSymlink) {
      ++symlinks;
      EXPECT_EQ(e.mode, 0777u);
      EXPECT_EQ(e.size, 0u);
    }
    if (e.path == "passwd") {
      EXPECT_EQ(e.target, "/etc/passwd");
    }
  }
  EXPECT_EQ(symlinks, 3);
  EXPECT_EQ(r.manifest.bytes, 1u);
}

TEST(Snapshot, FifoIsSkippedWithAWarning) {
  Fixture f;
  std::string root = f.code.path();
  WriteFile(root + "/a.txt", "a");
  ASSERT_EQ(::mkfifo((root + "/pipe").c_str(), 0644), 0);
  SnapshotResult r = Snap(f, root).value();  // must not block opening the fifo
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("fifo"), std::string::npos);
  EXPECT_NE(r.warnings[0].find(root + "/pipe"), std::string::npos);
  EXPECT_EQ(r.manifest.files, 1u);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool StoreIsEmpty(const Fixture& f) {
  return fs::is_empty(f.home.path() + "/objects/sha256") &&
         (!fs::exists(f.home.path() + "/snapshots") || fs::is_empty(f.home.path() + "/snapshots"));
}

TEST(SnapshotLimits, OverSizeFailsWithAzureWordingAndStoresNothing) {
  Fixture f;
  std::string root = f.code.path();
  WriteFile(root + "/data/big.bin", std::string(700 << 10, 'b'));
  WriteFile(root + "/data/mid.bin", std::string(500 << 10, 'm'));
  WriteFile(root + "/small.py", "x");
  auto r = Snap(f, root, SnapshotLimits{1 << 20, 2000});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded);
  std::vector<std::string> lines = Lines(r.error().message());
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0], "While attempting to take snapshot of " + root);
  EXPECT_EQ(lines[1], "Your total snapshot size exceeds the limit of 1.0 MB");
  const std::string& m = r.error().message();
  EXPECT_NE(m.find("Largest files:\n    700.0 KB  data/big.bin\n    500.0 KB  data/mid.bin\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Largest directories:\n      1.2 MB  data/\n"), std::string::npos) << m;
  EXPECT_NE(m.find(".amlignore"), std::string::npos);
  EXPECT_NE(m.find("  /data/\n"), std::string::npos);
  EXPECT_NE(m.find("SNAPSHOT_MAX_SIZE_BYTES"), std::string::npos);
  EXPECT_TRUE(StoreIsEmpty(f));
}

TEST(SnapshotLimits, OverFileCountFailsWithItsTwin) {
  Fixture f;
  for (int i = 0; i < 5; ++i) WriteFile(f.code.path() + "/d/f" + std::to_string(i), "x");
  auto r = Snap(f, f.code.path(), SnapshotLimits{1 << 20, 3});
  ASSERT_FALSE(r.has_value());
  std::vector<std::string> lines = Lines(r.error().message());
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0], "While attempting to take snapshot of " + f.code.path());
  EXPECT_EQ(lines[1], "Your total snapshot file count exceeds the limit of 3 files");
  EXPECT_NE(r.error().message().find("Directories with the most files:"), std::string::npos);
  EXPECT_TRUE(StoreIsEmpty(f));
  EXPECT_TRUE(Snap(f, f.code.path(), SnapshotLimits{1 << 20, 5}).has_value());
}

TEST(SnapshotLimits, DefaultsAreAzureMlsAndTheEnvironmentRaisesSize) {
  SnapshotLimits defaults;
  EXPECT_EQ(defaults.max_bytes, 300u * 1024 * 1024);
  EXPECT_EQ(FormatMegabytes(defaults.max_bytes), "300.0 MB");
  EXPECT_EQ(defaults.max_files, 2000u);
  ::setenv("SNAPSHOT_MAX_SIZE_BYTES", "1073741824", 1);
  EXPECT_EQ(ApplyLimitEnvironment(defaults).value().max_bytes, 1073741824u);
  ::setenv("SNAPSHOT_MAX_SIZE_BYTES", "lots", 1);
  EXPECT_EQ(ApplyLimitEnvironment(defaults).error().code(), ErrorCode::kInvalidInput);
  ::unsetenv("SNAPSHOT_MAX_SIZE_BYTES");
  EXPECT_EQ(ApplyLimitEnvironment(defaults).value().max_bytes, defaults.max_bytes);
}

TEST(SnapshotLimits, IgnoredFilesDoNotCount) {
  Fixture f;
  WriteFile(f.code.path() + "/data/big.bin", std::string(2 << 20, 'b'));
  WriteFile(f.code.path() + "/.amlignore", "data/\n");
  WriteFile(f.code.path() + "/a.py", "x");
  SnapshotResult r = Snap(f, f.code.path(), SnapshotLimits{1 << 20, 2000}).value();
  EXPECT_EQ(r.manifest.files, 2u);
  ASSERT_EQ(r.excluded.size(), 1u);
  EXPECT_EQ(r.excluded[0].source, ".amlignore");
}

TEST(Snapshot, StatCacheAnswersAnUnchangedTree) {
  Fixture f;
  std::string root = f.code.path();
  for (int i = 0; i < 20; ++i)
    WriteFile(root + "/f" + std::to_string(i), std::string(1000, 'a' + i));
  // Files changed within the racy window are never cached: snapshot as if later.
  SnapshotResult cold = SnapLater(f, root);
  EXPECT_EQ(cold.cached_files, 0u);
  EXPECT_EQ(cold.hashed_bytes, 20000u);
  SnapshotResult warm = SnapLater(f, root);
  EXPECT_EQ(warm.digest, cold.digest);
  EXPECT_EQ(warm.cached_files, 20u);
  EXPECT_EQ(warm.hashed_bytes, 0u);
  WriteFile(root + "/f3", "changed");
  SnapshotResult changed = SnapLater(f, root);
  EXPECT_NE(changed.digest, cold.digest);
  EXPECT_EQ(changed.cached_files, 19u);
  EXPECT_EQ(changed.hashed_bytes, 7u);
}

TEST(Snapshot, StatCacheHitWithoutItsObjectRehashes) {
  Fixture f;
  std::string root = f.code.path();
  WriteFile(root + "/a", "content a");
  SnapshotResult first = SnapLater(f, root);
  fs::remove_all(f.home.path() + "/objects/sha256");
  fs::create_directories(f.home.path() + "/objects/sha256");
  SnapshotResult second = SnapLater(f, root);
  EXPECT_EQ(second.cached_files, 0u);
  EXPECT_TRUE(f.store.Read(first.manifest.entries[0].digest).has_value());
}

TEST(Snapshot, ManifestIsWrittenAndVerifiedOnLoad) {
  Fixture f;
  BuildSample(f.code.path(), false, 1000000000);
  SnapshotResult r = Snap(f, f.code.path()).value();
  std::string path = ManifestPath(f.store, r.digest);
  EXPECT_TRUE(fs::exists(path));
  Manifest loaded = LoadManifest(f.store, r.digest).value();
  EXPECT_EQ(loaded.digest, r.digest);
  EXPECT_EQ(loaded.entries.size(), r.manifest.entries.size());
  ::chmod(path.c_str(), 0644);
  std::string text = ReadFile(path).value();
  text.replace(text.find("train.py"), 8, "trainXpy");
  ASSERT_TRUE(WriteFileAtomic(path, text).has_value());
  EXPECT_EQ(LoadManifest(f.store, r.digest).error().code(), ErrorCode::kCorrupt);
}

TEST(Snapshot, NonUtf8NamesAndPathsLongerThanPathMaxWork) {
  Fixture f;
  std::string root = f.code.path();
  WriteFile(root + "/caf\xe9-\xff.txt", "latin1 name");
  // About 5000 bytes deep, more than PATH_MAX: built through relative fds only.
  UniqueFd dir = OpenDirectory(root).value();
  std::string component(200, 'd');
  std::string rel;
  for (int i = 0; i < 25; ++i) {
    ASSERT_EQ(::mkdirat(dir.get(), (rel + component).c_str(), 0755), 0) << rel.size();
    rel += component + "/";
    if (rel.size() > 3000) {  // keep each mkdirat argument short: re-anchor deeper
      dir = OpenBeneath(dir.get(), rel, O_RDONLY | O_DIRECTORY, root).value();
      rel.clear();
    }
  }
  UniqueFd file(
      ::openat(dir.get(), (rel + "deep.txt").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  ASSERT_TRUE(file.valid());
  ASSERT_EQ(::write(file.get(), "deep", 4), 4);
  SnapshotResult r = Snap(f, root).value();
  EXPECT_EQ(r.manifest.files, 2u);
  EXPECT_EQ(r.manifest.bytes, 11u + 4u);
  Manifest loaded = LoadManifest(f.store, r.digest).value();
  bool found_latin1 = false;
  for (const TreeEntry& e : loaded.entries) found_latin1 |= e.path == "caf\xe9-\xff.txt";
  EXPECT_TRUE(found_latin1);
  std::string tree = MaterializeSnapshot(f.store, r.digest).value();
  EXPECT_EQ(ReadFile(tree + "/caf\xe9-\xff.txt").value(), "latin1 name");
  size_t deep_files = 0;
  for (const TreeEntry& e : loaded.entries) {
    if (e.path.size() <= 4096 || e.type != EntryType::kFile) continue;
    UniqueFd tree_fd = OpenDirectory(tree).value();
    UniqueFd deep = OpenBeneath(tree_fd.get(), e.path, O_RDONLY, tree).value();
    char buf[8] = {};
    EXPECT_EQ(::read(deep.get(), buf, sizeof buf), 4);
    EXPECT_STREQ(buf, "deep");
    ++deep_files;
  }
  EXPECT_EQ(deep_files, 1u);
  UniqueFd root_fd = OpenDirectory(root).value();
  EXPECT_TRUE(RemoveTreeAt(root_fd.get(), component).has_value());
  UniqueFd trees_fd = OpenDirectory(f.home.path() + "/trees").value();
  EXPECT_TRUE(RemoveTreeAt(trees_fd.get(), r.digest).has_value());
}

TEST(Snapshot, ConcurrentSnapshotsOfSameAndDifferentTreesAreSafe) {
  Fixture f;
  BuildSample(f.code.path() + "/one", false, 1000000000);
  BuildSample(f.code.path() + "/two", false, 1000000000);
  WriteFile(f.code.path() + "/two/extra.bin", std::string(3 << 20, 'e'));
  std::vector<pid_t> children;
  for (int c = 0; c < 6; ++c) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = ObjectStore::Open(f.home.path());
      std::string dir = f.code.path() + (c % 2 ? "/one" : "/two");
      for (int round = 0; round < 3; ++round) {
        if (!store || !TakeSnapshot(dir, {}, *store)) _exit(1);
      }
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  for (const char* name : {"/one", "/two"}) {
    SnapshotResult r = Snap(f, f.code.path() + name).value();
    Manifest m = LoadManifest(f.store, r.digest).value();
    for (const TreeEntry& e : m.entries) {
      if (e.type == EntryType::kFile) {
        EXPECT_TRUE(f.store.Verify(e.digest).has_value()) << e.path;
      }
    }
  }
  EXPECT_TRUE(fs::is_empty(f.home.path() + "/objects/tmp"));
}

}  // namespace
}  // namespace snaprun::orchestrator
