// The sandbox's view of the filesystem: read-only root and /proc/sys, masked
// kernel files, cgroupfs, and the runtime's own binary out of reach.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "tests/security/sandbox_runner.h"
#include "tests/support/host_facts.h"

namespace snaprun::security {
namespace {

TEST(RootfsReadOnly, WriteFails) { SNAPRUN_EXPECT_BLOCKED(Attack({"write-root"})); }

// core_pattern is the classic host-root escape: a pipe handler runs on the host.
TEST(ReadonlyPaths, CorePatternNotWritable) {
  SNAPRUN_EXPECT_BLOCKED(Attack({"write-path", "/proc/sys/kernel/core_pattern"}));
}

// A path of the bundle's maskedPaths that every user of this host can read, with
// the same non-empty content for any reader (not /proc/keys): the mask, not
// permissions or an absent kernel file, is then all that stands between the
// sandbox and it. (/proc/kcore is 0400 root: rootless, even unmasked it reads
// as EACCES, which would pass for blocked.)
std::optional<std::string> ReadableMaskedPath(std::string* why) {
  for (const char* path : {"/sys/firmware", "/proc/acpi", "/proc/asound",
                           "/proc/scsi", "/proc/timer_list", "/proc/sched_debug"}) {
    struct stat st{};
    if (stat(path, &st) != 0 || !(st.st_mode & S_IROTH)) continue;
    if (S_ISDIR(st.st_mode)) {
      std::error_code ec;
      if ((st.st_mode & S_IXOTH) && !std::filesystem::is_empty(path, ec) && !ec) return path;
    } else {
      std::ifstream in(path);
      if (in.get() != std::ifstream::traits_type::eof()) return path;
    }
  }
  *why = "none of the masked paths is readable by every user and non-empty here";
  return std::nullopt;
}

TEST(MaskedPaths, ReadableHostPathShowsNothing) {
  std::string why;
  std::optional<std::string> path = ReadableMaskedPath(&why);
  if (!path) GTEST_SKIP() << testing::HostFactSkip("no-readable-masked-path", why);
  SNAPRUN_EXPECT_BLOCKED(Attack({"masked-read", *path}));
}

// Without CONFIG_MAGIC_SYSRQ there is no trigger to write, and ENOENT inside
// would pass without testing the read-only bind.
TEST(ReadonlyPaths, SysrqTriggerNotWritable) {
  if (access("/proc/sysrq-trigger", F_OK) != 0) {
    GTEST_SKIP() << testing::HostFactSkip("no-sysrq", "/proc/sysrq-trigger is absent on the host");
  }
  SNAPRUN_EXPECT_BLOCKED(Attack({"sysrq"}));
}
// /sys and its cgroup filesystem mounted as runc's default spec mounts them: the probe
// refuses to judge unless it finds a cgroup2 mount to attack.
TEST(Cgroupfs, NotWritable) {
  SandboxSpec spec = Attack({"cgroup-write"});
  spec.extra_mounts = {
      {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
      {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}}};
  SNAPRUN_EXPECT_BLOCKED(spec);
}

// With CAP_SYS_ADMIN and no filter the probe can mount (inside the user namespace
// rootless, as real root in the root suite): its tmpfs over a bind of a host
// directory must stay in the sandbox's mount namespace.
TEST(MountPropagation, AMountInsideNeverReachesTheHost) {
  testing::TempDir host_dir;
  if (!RootMode()) {
    auto user = testing::UnprivilegedUser();
    ASSERT_TRUE(user) << "no unprivileged test user";
    host_dir.ChownTo(*user);
  }
  SandboxSpec spec = Attack({"mount-over", "/tmp/data"});
  spec.capabilities = {"CAP_SYS_ADMIN"};
  spec.default_seccomp = false;
  spec.extra_mounts = {{"/tmp/data", "bind", host_dir.path(), {"rbind", "rw"}}};
  SNAPRUN_RUN_PROBE(run, spec);
  ASSERT_EQ(run.line->result, "blocked") << run.Explain();  // the mount happened inside
  EXPECT_FALSE(std::filesystem::exists(host_dir.path() + "/.snaprun-propagated"));
  std::ifstream mounts("/proc/self/mountinfo");
  for (std::string line; std::getline(mounts, line);) {
    EXPECT_EQ(line.find(host_dir.path()), std::string::npos) << line;
  }
}

// CVE-2019-5736: overwrite the runtime through /proc/PID/exe.
TEST(ProcExe, RuntimeBinaryNotWritable) { SNAPRUN_EXPECT_BLOCKED(Attack({"proc-exe"})); }

// CVE-2024-21626: a leaked host directory fd as cwd.
TEST(CwdProcfd, NoDirectoryOutsideRoot) { SNAPRUN_EXPECT_BLOCKED(Attack({"cwd-procfd"})); }

// The same CVE as runc had it: the caller leaks a host directory fd (7, on the host's
// /) and the config names /proc/self/fd/7 as cwd. The runtime must close foreign fds
// before it resolves cwd, or refuse the cwd; either way the command must not start
// with its cwd outside the root.
TEST(CwdProcfd, LeakedFdAsConfiguredCwdDoesNotEscape) {
  SandboxSpec spec = Attack({"cwd-procfd"});
  spec.cwd = "/proc/self/fd/7";
  spec.launcher = {"sh", "-c", "exec 7</ && exec \"$@\"", "sh"};
  std::string why;
  std::optional<ProbeRun> run = RunProbe(spec, &why);
  if (!run) GTEST_SKIP() << why;
  if (!run->line) {
    EXPECT_NE(run->command.exit_code, 0) << "no verdict but success?\n" << run->Explain();
    return;  // refused before exec: the promise holds
  }
  EXPECT_EQ(run->line->result, "blocked") << run->Explain();
}

}  // namespace
}  // namespace snaprun::security
