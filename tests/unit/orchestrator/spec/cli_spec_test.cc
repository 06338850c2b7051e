// `snaprun spec check`: exit 0 and the resolved spec when valid; exit 2 and exactly
// one error line otherwise.
#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

using snaprun::testing::BinaryPath;
using snaprun::testing::RunCommand;
using snaprun::testing::SourcePath;

TEST(SpecCheckCli, ValidSpecPrintsResolvedYamlAndJson) {
  std::string spec = SourcePath("examples/train/run.yaml");
  auto yaml = RunCommand({BinaryPath("snaprun"), "spec", "check", spec});
  EXPECT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_NE(yaml.out.find("name: train-linear\n"), std::string::npos) << yaml.out;
  EXPECT_NE(yaml.out.find("memory: 256MiB\n"), std::string::npos) << yaml.out;
  auto json = RunCommand({BinaryPath("snaprun"), "spec", "check", spec, "--json", "--set",
                          "resources.memory=1GiB", "--set", "env.EXTRA=x"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"memory\": 1073741824"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"EXTRA\": \"x\""), std::string::npos) << json.out;
}

TEST(SpecCheckCli, InvalidSpecExitsTwoWithOneLine) {
  std::string spec =
      SourcePath("tests/unit/orchestrator/spec/testdata/invalid/unknown_top_key.yaml");
  auto result = RunCommand({BinaryPath("snaprun"), "spec", "check", spec});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "snaprun: error: " + spec +
                            ":4:1: unknown key 'resorces'; did you mean 'resources'?\n");
}

TEST(SpecCheckCli, BadOverrideExitsTwo) {
  auto result = RunCommand({BinaryPath("snaprun"), "spec", "check",
                            SourcePath("examples/hello/run.yaml"), "--set", "network=bridge"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "snaprun: error: --set network=bridge: network: expected none or host, got the string "
            "\"bridge\"\n");
}

}  // namespace
}  // namespace snaprun::orchestrator
