// The sandbox's view of the filesystem: read-only root and /proc/sys, masked
// kernel files, cgroupfs, and the runtime's own binary out of reach.
#include <gtest/gtest.h>
#include <unistd.h>

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

}  // namespace
}  // namespace snaprun::security
