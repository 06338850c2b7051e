// Privileges inside the sandbox: no capability held or obtainable, setuid binaries
// inert, and the capability-gated escapes (chroot, mknod) refused.
#include <gtest/gtest.h>

#include <string>

#include "tests/security/sandbox_runner.h"

namespace snaprun::security {
namespace {

TEST(Capabilities, NoneHeldAndNoneCanBeRaised) { SNAPRUN_EXPECT_BLOCKED(Attack({"caps"})); }

// The runtime's init stays beside the command; as root (no user namespace here) it is
// real root. It keeps CAP_KILL and has a filter of its own.
// What the kernel says of the command itself (/proc/self/status).
TEST(Isolation, TheCommandHasNoNewPrivsAndAFilter) {
  SNAPRUN_EXPECT_BLOCKED(Attack({"own-status"}));
}

TEST(Capabilities, TheSandboxsInitKeepsOnlyCapKillAndHasAFilter) {
  SNAPRUN_EXPECT_BLOCKED(Attack({"init-privileges"}));
}

// The runtime is started with CAP_NET_BIND_SERVICE inheritable and ambient: none
// of it may reach the sandboxed command.
TEST(Capabilities, RaiseFailsEvenWithAmbientLeftovers) {
  SandboxSpec spec = Attack({"caps"});
  spec.switch_user = false;
  spec.launcher = {"setpriv", "--inh-caps=+net_bind_service", "--ambient-caps=+net_bind_service"};
  if (!RootMode()) {
    std::optional<testing::TestUser> user = testing::UnprivilegedUser();
    if (!user) GTEST_SKIP() << "no unprivileged test user";
    spec.launcher.insert(spec.launcher.begin() + 1,
                         {"--reuid=" + std::to_string(user->uid),
                          "--regid=" + std::to_string(user->gid), "--clear-groups", "--reset-env"});
  }
  spec.launcher.push_back("--");
  SNAPRUN_RUN_PROBE(run, spec);
  EXPECT_EQ(run.line->result, "blocked") << run.Explain();
}

// uid 1000 inside execs a setuid-root copy of the probe: its euid must stay 1000.
TEST(Setuid, BinaryDoesNotElevate) {
  SandboxSpec spec = Attack({"setuid", "/bin/snaprun-probe-suid"});
  spec.uid = 1000;
  spec.gid = 1000;
  SNAPRUN_RUN_PROBE(run, spec);
  EXPECT_EQ(run.line->result, "blocked") << run.Explain();
  EXPECT_NE(run.line->detail.find("ran with euid 1000"), std::string::npos) << run.Explain();
}

TEST(Chroot, Refused) { SNAPRUN_EXPECT_BLOCKED(Attack({"chroot-escape"})); }
TEST(Mknod, DeviceNodesRefused) { SNAPRUN_EXPECT_BLOCKED(Attack({"mknod"})); }

}  // namespace
}  // namespace snaprun::security
