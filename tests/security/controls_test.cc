// Positive controls: with a protection switched off on purpose, the probe must
// report "escaped". They prove the suite can see an escape at all, so that the
// "blocked" verdicts elsewhere are not the probe failing silently.
#include <gtest/gtest.h>

#include "tests/security/sandbox_runner.h"

namespace snaprun::security {
namespace {

// CAP_SYS_ADMIN granted and no seccomp filter: mounting in the sandbox's own
// mount namespace works, which is what SeccompDefault.MountGetsEPERM relies on.
TEST(Controls, MountSucceedsWithCapSysAdminAndNoFilter) {
  SandboxSpec spec = Attack({"mount"});
  spec.capabilities = {"CAP_SYS_ADMIN"};
  spec.default_seccomp = false;
  SNAPRUN_RUN_PROBE(run, spec);
  EXPECT_EQ(run.line->result, "escaped") << run.Explain();
}

TEST(Controls, GrantedCapabilityIsSeenByTheProbe) {
  SandboxSpec spec = Attack({"caps"});
  spec.capabilities = {"CAP_CHOWN"};
  SNAPRUN_RUN_PROBE(run, spec);
  EXPECT_EQ(run.line->result, "escaped") << run.Explain();
  EXPECT_NE(run.line->detail.find("CapEff:\t0000000000000001"), std::string::npos)
      << run.Explain();
}

TEST(Controls, UserNamespaceWorksWithoutTheFilter) {
  SandboxSpec spec = Attack({"userns"});
  spec.default_seccomp = false;
  SNAPRUN_RUN_PROBE(run, spec);
  EXPECT_EQ(run.line->result, "escaped") << run.Explain();
}

}  // namespace
}  // namespace snaprun::security
