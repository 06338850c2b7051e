// Every attack class again, through `snaprun run` and the configuration it builds
// from a user's spec: the bundles of the other tests are hand-written, this is the
// product's own default path. Each case is one probe attack that must be blocked.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <ostream>
#include <string>
#include <vector>

#include "tests/security/snaprun_runner.h"
#include "tests/support/host_facts.h"

namespace snaprun::security {
namespace {

struct RunAttackCase {
  std::string name;  // the test's name
  SnaprunAttack attack;
  // The limit may kill the whole sandbox (a cgroup OOM kill with memory.oom.group):
  // then there is no verdict line, and SIGKILL is the verdict.
  bool killed_is_blocked = false;
};

RunAttackCase Case(std::string name, std::vector<std::string> args, std::string spec_extra = "",
                   std::vector<std::string> launcher = {}, bool setuid_copy = false) {
  SnaprunAttack attack;
  attack.probe_args = std::move(args);
  attack.spec_extra = std::move(spec_extra);
  attack.launcher = std::move(launcher);
  attack.setuid_copy = setuid_copy;
  return {std::move(name), std::move(attack)};
}

RunAttackCase KilledOrBlocked(RunAttackCase c) {
  c.killed_is_blocked = true;
  return c;
}

std::vector<RunAttackCase> Cases() {
  std::vector<RunAttackCase> cases = {
      Case("WriteTheRoot", {"write-root"}),
      Case("WriteCorePattern", {"write-path", "/proc/sys/kernel/core_pattern"}),
      Case("WriteTheSnapshot", {"write-path", "/snapshot"}),
      Case("Mount", {"mount"}),
      Case("Umount", {"umount"}),
      Case("PivotRoot", {"pivot-root"}),
      Case("ChrootEscape", {"chroot-escape"}),
      Case("Mknod", {"mknod"}),
      Case("OverwriteTheRuntimeThroughProcExe", {"proc-exe"}),
      Case("CwdThroughALeakedFd", {"cwd-procfd"}),
      Case("Ptrace", {"ptrace"}),
      Case("RaiseCapabilities", {"caps"}),
      Case("InitsPrivileges", {"init-privileges"}),
      Case("NoNewPrivsAndAFilter", {"own-status"}),
      Case("HostRootIsNotMapped", {"host-root-mapped"}),
      Case("HostPids", {"pids"}),
      Case("NewUserNamespace", {"userns"}),
      Case("LeakedFd", {"fds"}, "", {"sh", "-c", "exec 7</ && exec \"$@\"", "sh"}),
      Case("ForkBomb", {"forkbomb", "2000"}, "resources: {pids: 64}\n"),
      KilledOrBlocked(Case("MemoryHog", {"memhog", "512"}, "resources: {memory: 64MiB}\n")),
      Case("FillTmp", {"disk-fill", "/tmp", "64"}, "resources: {tmp: 16MiB}\n"),
      Case("FillTheScratchLayer", {"disk-fill", ".", "64"}, "resources: {scratch: 16MiB}\n"),
      Case("LoadAKernelModule", {"kmod"}),
      Case("Keyctl", {"keyctl"}),
      Case("Bpf", {"bpf"}),
      Case("IoUring", {"io_uring"}),
      Case("PerfEvents", {"perf"}),
      Case("Kexec", {"kexec"}),
      Case("NewMountApi", {"mount-api"}),
      Case("OpenByHandle", {"open-by-handle"}),
      Case("Setns", {"setns"}),
      Case("X32Syscall", {"x32"}),
      Case("TiocstiOnAControllingPty", {"tiocsti-pty"}),
  };
  return cases;
}

// gtest prints a parameter in the test's name line; the name says it all.
void PrintTo(const RunAttackCase& c, std::ostream* out) { *out << c.name; }

class RunAttack : public ::testing::TestWithParam<RunAttackCase> {};

TEST_P(RunAttack, IsBlocked) {
  std::string why;
  std::optional<ProbeRun> run = RunProbeThroughSnaprun(GetParam().attack, &why);
  if (!run) GTEST_SKIP() << why;
  if (!run->line && GetParam().killed_is_blocked) {
    EXPECT_EQ(run->command.exit_code, 128 + SIGKILL) << run->Explain();
    return;
  }
  ASSERT_TRUE(run->line.has_value()) << run->Explain();
  EXPECT_EQ(run->line->result, "blocked") << run->Explain();
}

INSTANTIATE_TEST_SUITE_P(SnaprunRun, RunAttack, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<RunAttackCase>& param_info) {
                           return param_info.param.name;
                         });

// The i386 entry point exists only where the kernel has the ABI (host_facts.h).
TEST(SnaprunRunAttack, I386SyscallIsKilled) {
  if (auto missing = testing::MissingI386Abi()) {
    GTEST_SKIP() << testing::HostFactSkip("no-i386-abi", *missing);
  }
  std::string why;
  std::optional<ProbeRun> run = RunProbeThroughSnaprun(Case("i386", {"i386"}).attack, &why);
  if (!run) GTEST_SKIP() << why;
  ASSERT_TRUE(run->line.has_value()) << run->Explain();
  EXPECT_EQ(run->line->result, "blocked") << run->Explain();
  EXPECT_NE(run->line->detail.find("signal 31"), std::string::npos) << run->Explain();  // SIGSYS
}

// A setuid-root binary checked into the code (made so by root on the host) is
// snapshotted without its setuid bit: there is nothing setuid to exec inside.
TEST(SnaprunRunAttack, ASetuidBinaryInTheCodeIsNotSetuidInside) {
  std::string why;
  std::optional<ProbeRun> run = RunProbeThroughSnaprun(
      Case("setuid", {"setuid", "./snaprun-probe-suid"}, "", {}, true).attack, &why);
  if (!run) GTEST_SKIP() << why;
  ASSERT_TRUE(run->line.has_value()) << run->Explain();
  EXPECT_NE(run->line->detail.find("has no setuid bit"), std::string::npos) << run->Explain();
}

// outputs/ and logs/ are on the host's disk: a filler there is stopped by its budget
// while it writes (SIGKILL: no verdict line), never allowed its 2 GiB.
TEST(SnaprunRunAttack, FillingOutputsOrLogsIsStoppedAtTheBudget) {
  for (const char* dir : {"outputs", "logs"}) {
    std::string why;
    std::optional<ProbeRun> run = RunProbeThroughSnaprun(
        Case("fill", {"disk-fill", dir, "2048"},
             "resources: {outputs_size: 32MiB, logs_size: 32MiB}\n")
            .attack,
        &why);
    if (!run) GTEST_SKIP() << why;
    EXPECT_FALSE(run->line && run->line->result == "escaped") << run->Explain();
    EXPECT_NE(run->command.err.find("went over its budget"), std::string::npos) << run->Explain();
  }
}

}  // namespace
}  // namespace snaprun::security
