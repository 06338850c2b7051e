#include "sandbox/cgroup.h"

#include <gtest/gtest.h>
#include <grp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sandbox/host_facts.h"
#include "tests/support/process.h"
#include "tests/support/host_facts.h"

namespace snaprun::sandbox {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void Put(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

// A fake cgroup tree in a temp dir. The kernel creates control files in a new
// cgroup; here the test creates them ahead, so writes can be read back.
class FakeCgroupHost {
 public:
  explicit FakeCgroupHost(const std::string& mountinfo, const std::string& own) {
    Put(dir_.path() + "/mountinfo", mountinfo);
    Put(dir_.path() + "/cgroup", own);
  }
  CgroupHost Host() const {
    return {dir_.path() + "/mountinfo", dir_.path() + "/cgroup", dir_.path()};
  }
  std::string Path(const std::string& relative) const { return dir_.path() + relative; }

 private:
  testing::TempDir dir_;
};

TEST(CgroupV2Fake, LimitsLandInTheUnifiedFiles) {
  FakeCgroupHost fake("41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "0::/user\n");
  Put(fake.Path("/sys/fs/cgroup/user/cgroup.controllers"), "cpuset cpu memory pids\n");
  Put(fake.Path("/sys/fs/cgroup/user/cgroup.subtree_control"), "");
  for (const char* f :
       {"memory.max", "memory.swap.max", "memory.low", "pids.max", "cpu.max", "cpu.weight"}) {
    Put(fake.Path(std::string("/sys/fs/cgroup/user/run1/") + f), "");
  }
  Resources r;
  r.memory_max_bytes = 64 << 20;
  r.memory_swap_max_bytes = 96 << 20;
  r.memory_low_bytes = 32 << 20;
  r.pids_max = 50;
  r.cpu_quota_us = 50000;
  r.cpu_shares = 1024;
  std::string why;
  auto cgroup = CreateCgroup("run1", r, fake.Host(), &why);
  ASSERT_TRUE(cgroup.has_value()) << cgroup.error().message();
  ASSERT_NE(cgroup->get(), nullptr) << why;
  EXPECT_EQ((*cgroup)->Describe(), "cgroup v2");
  EXPECT_GE((*cgroup)->DirFd(), 0);
  auto enforced = (*cgroup)->Apply(r);
  ASSERT_TRUE(enforced.has_value()) << enforced.error().message();
  std::string dir = fake.Path("/sys/fs/cgroup/user/run1/");
  EXPECT_EQ(Slurp(dir + "memory.max"), "67108864");
  EXPECT_EQ(Slurp(dir + "memory.swap.max"), "33554432");  // OCI swap counts memory too
  EXPECT_EQ(Slurp(dir + "memory.low"), "33554432");
  EXPECT_EQ(Slurp(dir + "pids.max"), "50");
  EXPECT_EQ(Slurp(dir + "cpu.max"), "50000 100000");
  EXPECT_EQ(Slurp(dir + "cpu.weight"), "39");
  EXPECT_EQ(Slurp(fake.Path("/sys/fs/cgroup/user/cgroup.subtree_control")), "+cpu +memory +pids");
  EXPECT_EQ(enforced->size(), 6u);
}

TEST(CgroupV1Fake, HybridHostUsesV1ControllersAndInheritsCpuset) {
  FakeCgroupHost fake(
      "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
      "36 31 0:33 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n",
      "4:memory:/job\n3:cpuset:/\n0::/\n");
  Put(fake.Path("/sys/fs/cgroup/unified/cgroup.controllers"), "");  // v2 has no controllers
  Put(fake.Path("/sys/fs/cgroup/cpuset/cpuset.cpus"), "0-1\n");
  Put(fake.Path("/sys/fs/cgroup/cpuset/cpuset.mems"), "0\n");
  Put(fake.Path("/sys/fs/cgroup/cpuset/r/cpuset.cpus"), "");
  Put(fake.Path("/sys/fs/cgroup/cpuset/r/cpuset.mems"), "");
  Put(fake.Path("/sys/fs/cgroup/memory/job/r/memory.limit_in_bytes"), "");
  Put(fake.Path("/sys/fs/cgroup/memory/job/r/memory.soft_limit_in_bytes"), "");
  Resources r;
  r.memory_max_bytes = 1 << 20;
  r.memory_low_bytes = 1 << 19;
  r.cpuset_cpus = "1";
  std::string why;
  auto cgroup = CreateCgroup("r", r, fake.Host(), &why);
  ASSERT_TRUE(cgroup.has_value()) << cgroup.error().message();
  ASSERT_NE(cgroup->get(), nullptr) << why;
  EXPECT_EQ((*cgroup)->Describe(), "cgroup v1 (cpuset,memory)");
  EXPECT_EQ(Slurp(fake.Path("/sys/fs/cgroup/cpuset/r/cpuset.mems")), "0");
  ASSERT_TRUE((*cgroup)->Apply(r).has_value());
  EXPECT_EQ(Slurp(fake.Path("/sys/fs/cgroup/memory/job/r/memory.limit_in_bytes")), "1048576");
  EXPECT_EQ(Slurp(fake.Path("/sys/fs/cgroup/memory/job/r/memory.soft_limit_in_bytes")), "524288");
  EXPECT_EQ(Slurp(fake.Path("/sys/fs/cgroup/cpuset/r/cpuset.cpus")), "1");
}

TEST(CgroupV1Fake, LimitWithoutItsControllerIsAnErrorNotIgnored) {
  FakeCgroupHost fake("35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
                      "4:memory:/\n");
  Put(fake.Path("/sys/fs/cgroup/memory/p/memory.limit_in_bytes"), "");
  Resources r;
  r.pids_max = 10;
  std::string why;
  auto cgroup = CreateCgroup("p", r, fake.Host(), &why);
  ASSERT_TRUE(cgroup.has_value());
  ASSERT_NE(cgroup->get(), nullptr) << why;
  auto applied = (*cgroup)->Apply(r);
  ASSERT_FALSE(applied.has_value());
  EXPECT_NE(applied.error().message().find("pids"), std::string::npos);
}

TEST(CgroupFake, NoCgroupAtAllGivesNullAndWhy) {
  FakeCgroupHost fake("", "");
  std::string why;
  auto cgroup = CreateCgroup("x", Resources{}, fake.Host(), &why);
  ASSERT_TRUE(cgroup.has_value());
  EXPECT_EQ(cgroup->get(), nullptr);
  EXPECT_NE(why.find("no writable cgroup"), std::string::npos);
}

TEST(Cgroup, NameMustBePlain) {
  std::string why;
  EXPECT_FALSE(CreateCgroup("../escape", Resources{}, CgroupHost{}, &why).has_value());
}

TEST(Cgroup, SharesToWeightMatchesRuncConversion) {
  EXPECT_EQ(SharesToWeight(2), 1u);
  EXPECT_EQ(SharesToWeight(1024), 39u);
  EXPECT_EQ(SharesToWeight(262144), 10000u);
}

// --- On the real host ---------------------------------------------------------

std::string UniqueName(const char* what) {
  return std::string("snaprun-test-") + what + "-" + std::to_string(getpid());
}

// Forks a child that joins CGROUP and runs BODY; returns the wait status.
template <typename Body>
int RunInCgroup(Cgroup& cgroup, Body body) {
  int ready[2];
  EXPECT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  if (pid == 0) {
    char go;
    close(ready[1]);
    if (read(ready[0], &go, 1) != 1) _exit(99);
    _exit(body());
  }
  close(ready[0]);
  EXPECT_TRUE(cgroup.AddProcess(pid).has_value());
  EXPECT_EQ(write(ready[1], "g", 1), 1);
  close(ready[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

std::unique_ptr<Cgroup> RealCgroupOrSkip(const char* what, const Resources& r) {
  std::string why;
  auto cgroup = CreateCgroup(UniqueName(what), r, CgroupHost{}, &why);
  EXPECT_TRUE(cgroup.has_value()) << cgroup.error().message();
  if (!cgroup.has_value() || *cgroup == nullptr) return nullptr;
  return std::move(cgroup).value();
}

TEST(CgroupRoot, MemoryLimitBitesAndTheOomKillIsReported) {
  if (getuid() != 0) GTEST_SKIP() << "needs root to create cgroups on this host";
  Resources r;
  r.memory_max_bytes = 32 << 20;
  auto cgroup = RealCgroupOrSkip("oom", r);
  if (!cgroup) GTEST_SKIP() << "no writable memory cgroup here";
  ASSERT_TRUE(cgroup->Apply(r).has_value());
  int status = RunInCgroup(*cgroup, [] {
    size_t size = 256 << 20;
    char* p = static_cast<char*>(mmap(nullptr, size, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (p == MAP_FAILED) return 2;
    for (size_t i = 0; i < size; i += 4096) p[i] = 1;
    return 0;  // reaching here means the limit did not bite
  });
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  CgroupStats stats = cgroup->Stats();
  EXPECT_GE(stats.oom_kills, 1u);
  ASSERT_TRUE(stats.memory_peak_bytes.has_value());
  EXPECT_LE(*stats.memory_peak_bytes, 32u << 20);
  EXPECT_TRUE(cgroup->Remove().has_value());
}

TEST(CgroupRoot, PidsLimitStopsAForkBomb) {
  if (getuid() != 0) GTEST_SKIP() << "needs root to create cgroups on this host";
  Resources r;
  r.pids_max = 8;
  auto cgroup = RealCgroupOrSkip("pids", r);
  if (!cgroup) GTEST_SKIP() << "no writable pids cgroup here";
  ASSERT_TRUE(cgroup->Apply(r).has_value());
  int status = RunInCgroup(*cgroup, [] {
    int refused = 0;
    for (int i = 0; i < 32; ++i) {
      pid_t p = fork();
      if (p == 0) {
        pause();
        _exit(0);
      }
      if (p < 0 && errno == EAGAIN) ++refused;
    }
    return refused > 0 ? 0 : 1;
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "every fork succeeded: pids.max did not bite";
  // The paused children are still in the cgroup: Remove must kill them all.
  EXPECT_TRUE(cgroup->Remove().has_value());
  EXPECT_TRUE(cgroup->Paths().empty());
}

TEST(CgroupRootless, UnprivilegedUserWithoutDelegationGetsNoCgroup) {
  auto user = testing::UnprivilegedUser();
  if (!user) GTEST_SKIP() << "no unprivileged test user";
  pid_t pid = fork();
  if (pid == 0) {
    if (getuid() == 0 && (setgroups(0, nullptr) || setresgid(user->gid, user->gid, user->gid) ||
                          setresuid(user->uid, user->uid, user->uid))) {
      _exit(90);
    }
    Resources r;
    r.memory_max_bytes = 1 << 20;
    std::string why;
    auto cgroup = CreateCgroup(UniqueName("rootless"), r, CgroupHost{}, &why);
    if (!cgroup.has_value()) _exit(91);
    if (*cgroup != nullptr) {
      (void)(*cgroup)->Remove();
      _exit(92);  // delegated: a valid host setup, not what this host has
    }
    _exit(why.find("no writable cgroup") != std::string::npos ? 0 : 93);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 92) GTEST_SKIP() << ::snaprun::testing::HostFactSkip("delegated-cgroup", "this host delegates a cgroup to the user");
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace snaprun::sandbox
