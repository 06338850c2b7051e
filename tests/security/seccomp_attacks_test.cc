// The default seccomp profile, seen from inside a real sandbox: each escape syscall
// answers as policies/seccomp/default.json promises.
#include <gtest/gtest.h>

#include <cerrno>

#include "tests/security/sandbox_runner.h"
#include "tests/support/host_facts.h"

namespace snaprun::security {
namespace {

// Every capability these attacks need is granted: a refusal can only come from
// the filter. The attacks are harmless when they succeed (a mount in the
// sandbox's own namespace, an empty kexec unload, a bad module image).
const std::vector<std::string> kAttackCaps = {
    "CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_MODULE", "CAP_SYS_BOOT",
    "CAP_BPF",       "CAP_PERFMON",    "CAP_SYS_CHROOT", "CAP_SYS_TTY_CONFIG"};

SandboxSpec WithAttackCaps(std::vector<std::string> attack) {
  SandboxSpec spec = Attack(std::move(attack));
  spec.capabilities = kAttackCaps;
  return spec;
}

void ExpectBlockedWith(const std::vector<std::string>& attack, int err) {
  SNAPRUN_RUN_PROBE(run, WithAttackCaps(attack));
  EXPECT_EQ(run.line->result, "blocked") << run.Explain();
  EXPECT_EQ(run.line->err, err) << run.Explain();
}

TEST(SeccompDefault, MountGetsEPERM) { ExpectBlockedWith({"mount"}, EPERM); }
TEST(SeccompDefault, UmountGetsEPERM) { ExpectBlockedWith({"umount"}, EPERM); }
TEST(SeccompDefault, PivotRootGetsEPERM) { ExpectBlockedWith({"pivot-root"}, EPERM); }
TEST(SeccompDefault, PtraceGetsEPERM) { ExpectBlockedWith({"ptrace"}, EPERM); }
TEST(SeccompDefault, KeyctlGetsEPERM) { ExpectBlockedWith({"keyctl"}, EPERM); }
TEST(SeccompDefault, BpfGetsEPERM) { ExpectBlockedWith({"bpf"}, EPERM); }
TEST(SeccompDefault, IoUringGetsEPERM) { ExpectBlockedWith({"io_uring"}, EPERM); }
TEST(SeccompDefault, PerfEventOpenGetsEPERM) { ExpectBlockedWith({"perf"}, EPERM); }
TEST(SeccompDefault, KernelModuleLoadGetsEPERM) { ExpectBlockedWith({"kmod"}, EPERM); }
TEST(SeccompDefault, KexecGetsEPERM) { ExpectBlockedWith({"kexec"}, EPERM); }
TEST(SeccompDefault, NewMountApiGetsEPERM) { ExpectBlockedWith({"mount-api"}, EPERM); }
TEST(SeccompDefault, OpenByHandleGetsEPERM) { ExpectBlockedWith({"open-by-handle"}, EPERM); }
TEST(SeccompDefault, SetnsGetsEPERM) { ExpectBlockedWith({"setns"}, EPERM); }
// stdin is a pipe here: the filter answers before the tty layer could say ENOTTY.
// (The TIOCSTI capability check is CAP_SYS_ADMIN in the initial namespace.)
TEST(SeccompDefault, TiocstiGetsEPERM) { ExpectBlockedWith({"tiocsti"}, EPERM); }
// On a pty the probe controls, so no tty-layer check answers first.
TEST(SeccompDefault, TiocstiOnItsOwnControllingPtyGetsEPERM) {
  ExpectBlockedWith({"tiocsti-pty"}, EPERM);
}

// unshare gets EPERM, clone with CLONE_NEWUSER EPERM, clone3 ENOSYS (checked per call).
TEST(SeccompDefault, NestedUserNamespaceRefused) {
  SNAPRUN_RUN_PROBE(run, WithAttackCaps({"userns"}));
  EXPECT_EQ(run.line->result, "blocked") << run.Explain();
  EXPECT_NE(run.line->detail.find("unshare(CLONE_NEWUSER): Operation not permitted"),
            std::string::npos) << run.Explain();
  EXPECT_NE(run.line->detail.find("clone3(CLONE_NEWUSER): Function not implemented"),
            std::string::npos) << run.Explain();
}

#if defined(__x86_64__)
TEST(SeccompDefault, X32SyscallKillsTheProcess) {
  SNAPRUN_RUN_PROBE(run, Attack({"x32"}));
  EXPECT_EQ(run.line->result, "blocked") << run.Explain();
  EXPECT_EQ(run.line->detail, "x32 getpid: killed by signal 31") << run.Explain();
}

// Where the kernel has no i386 entry point there is nothing to block: the same call
// outside any filter tells.
TEST(SeccompDefault, I386SyscallKillsTheProcess) {
  if (auto missing = testing::MissingI386Abi()) {
    GTEST_SKIP() << testing::HostFactSkip("no-i386-abi", *missing);
  }
  SNAPRUN_RUN_PROBE(run, Attack({"i386"}));
  EXPECT_EQ(run.line->result, "blocked") << run.Explain();
  EXPECT_EQ(run.line->detail, "i386 int 0x80 getpid: killed by signal 31") << run.Explain();
}
#endif

}  // namespace
}  // namespace snaprun::security
