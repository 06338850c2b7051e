// Paths that need root: a file whose content does not hold still while it is read. A procfs
// file bind-mounted into the tree (in a private mount namespace) reports size 0 yet yields
// bytes, so every read attempt sees a different file than it stat()ed.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "orchestrator/snapshot/snapshot.h"
#include "tests/support/process.h"
#include "tests/unit/orchestrator/snapshot/tree_helpers.h"

namespace snaprun::orchestrator {
namespace {

using testing_tree::WriteFile;

// Runs BODY in a forked child inside a private mount namespace; returns its exit status.
template <typename Body>
int InMountNamespace(Body body) {
  pid_t pid = fork();
  if (pid == 0) {
    if (::unshare(CLONE_NEWNS) != 0) _exit(77);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) _exit(77);
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

TEST(SnapshotRoot, FileChangingWhileReadIsRetriedThenRefused) {
  if (getuid() != 0) GTEST_SKIP() << "needs root to bind-mount a procfs file";
  snaprun::testing::TempDir home;
  snaprun::testing::TempDir code;
  WriteFile(code.path() + "/a.py", "a");
  WriteFile(code.path() + "/moving.txt", "");
  int status = InMountNamespace([&] {
    std::string target = code.path() + "/moving.txt";
    if (::mount("/proc/self/stat", target.c_str(), nullptr, MS_BIND, nullptr) != 0) return 77;
    auto store = ObjectStore::Open(home.path());
    if (!store) return 2;
    auto r = TakeSnapshot(code.path(), {}, *store);
    if (r.has_value()) return 3;
    const std::string& m = r.error().message();
    if (m.find(target + " changed while it was being read (3 attempts)") == std::string::npos) {
      fprintf(stderr, "unexpected error: %s\n", m.c_str());
      return 4;
    }
    return 0;
  });
  if (status == 77) GTEST_SKIP() << "mount namespaces unavailable";
  EXPECT_EQ(status, 0);
  EXPECT_TRUE(std::filesystem::is_empty(home.path() + "/objects/tmp"));  // no torn object
  EXPECT_TRUE(std::filesystem::is_empty(home.path() + "/objects/sha256"));
}

}  // namespace
}  // namespace snaprun::orchestrator
