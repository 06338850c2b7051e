// The sandbox's view of the filesystem: read-only root and /proc/sys, masked
// kernel files, cgroupfs, and the runtime's own binary out of reach.
#include <gtest/gtest.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "tests/security/sandbox_runner.h"

namespace snaprun::security {
namespace {

TEST(RootfsReadOnly, WriteFails) { SNAPRUN_EXPECT_BLOCKED(Attack({"write-root"})); }

// core_pattern is the classic host-root escape: a pipe handler runs on the host.
TEST(ReadonlyPaths, CorePatternNotWritable) {
  SNAPRUN_EXPECT_BLOCKED(Attack({"write-path", "/proc/sys/kernel/core_pattern"}));
}

// Without the file on the host (CONFIG_PROC_KCORE, CONFIG_MAGIC_SYSRQ off) the
// probe's ENOENT would pass without testing the mask.
TEST(MaskedPaths, KcoreUnreadable) {
  if (access("/proc/kcore", F_OK) != 0) GTEST_SKIP() << "this kernel has no /proc/kcore";
  SNAPRUN_EXPECT_BLOCKED(Attack({"kcore"}));
}

TEST(ReadonlyPaths, SysrqTriggerNotWritable) {
  if (access("/proc/sysrq-trigger", F_OK) != 0) GTEST_SKIP() << "this kernel has no sysrq";
  SNAPRUN_EXPECT_BLOCKED(Attack({"sysrq"}));
}
TEST(Cgroupfs, NotWritable) { SNAPRUN_EXPECT_BLOCKED(Attack({"cgroup-write"})); }

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
