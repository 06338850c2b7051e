// Weakening spec fields pass only with the user's say-so for the run.
#include "orchestrator/run/run_allowances.h"

#include <gtest/gtest.h>

namespace snaprun::orchestrator {
namespace {

RunSpec HostNetworkSpec() {
  RunSpec spec;
  spec.spec_path = "/code/run.yaml";
  spec.network = NetworkMode::kHost;
  return spec;
}

TEST(RunAllowances, HostNetworkIsRefusedByDefaultNamingTheFileAndTheFlag) {
  auto checked = CheckAllowed(HostNetworkSpec(), RunAllowances{});
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code(), ErrorCode::kPolicyDenied);
  const std::string& why = checked.error().message();
  EXPECT_EQ(why.rfind("/code/run.yaml: network: host", 0), 0u) << why;
  EXPECT_NE(why.find("--allow-host-network"), std::string::npos) << why;
}

TEST(RunAllowances, HostNetworkPassesWhenAllowed) {
  RunAllowances allowed;
  allowed.host_network = true;
  EXPECT_TRUE(CheckAllowed(HostNetworkSpec(), allowed));
}

TEST(RunAllowances, TheDefaultNetworkNeedsNothing) {
  RunSpec spec = HostNetworkSpec();
  spec.network = NetworkMode::kNone;
  EXPECT_TRUE(CheckAllowed(spec, RunAllowances{}));
}

}  // namespace
}  // namespace snaprun::orchestrator
