// --set overrides: applied before validation, errors name the override.
#include "orchestrator/spec/overrides.h"

#include <gtest/gtest.h>

#include <fstream>

#include "orchestrator/spec/spec_loader.h"
#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

class OverridesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() + "/run.yaml";
    std::ofstream(path_)
        << "name: base\ncommand: [python3, train.py]\nresources:\n  memory: 1GiB\n";
  }
  Result<RunSpec> Load(std::vector<std::string> overrides) { return LoadRunSpec(path_, overrides); }

  snaprun::testing::TempDir dir_;
  std::string path_;
};

TEST_F(OverridesTest, ReplaceNestedValues) {
  Result<RunSpec> spec = Load({"resources.memory=2GiB", "resources.cpus=4", "name=other"});
  ASSERT_TRUE(spec.has_value()) << spec.error().ToString();
  EXPECT_EQ(*spec->resources.memory_bytes, 2ull << 30);
  EXPECT_EQ(*spec->resources.cpus, 4.0);
  EXPECT_EQ(spec->name, "other");
}

TEST_F(OverridesTest, AddMissingSectionsAndEnv) {
  Result<RunSpec> spec = Load({"env.FOO=bar", "env.EMPTY=", "snapshot.max_files=10"});
  ASSERT_TRUE(spec.has_value()) << spec.error().ToString();
  EXPECT_EQ(spec->env.at("FOO"), "bar");
  EXPECT_EQ(spec->env.at("EMPTY"), "");
  EXPECT_EQ(*spec->snapshot.max_files, 10u);
}

TEST_F(OverridesTest, CommandAsStringOrList) {
  Result<RunSpec> shell = Load({"command=python3 eval.py --fast"});
  ASSERT_TRUE(shell.has_value());
  EXPECT_EQ(shell->command, (std::vector<std::string>{"/bin/sh", "-c", "python3 eval.py --fast"}));
  Result<RunSpec> list = Load({"command=[python3, \"a b.py\"]"});
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->command, (std::vector<std::string>{"python3", "a b.py"}));
}

TEST_F(OverridesTest, LaterOverridesWin) {
  Result<RunSpec> spec = Load({"resources.pids=10", "resources.pids=20"});
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(*spec->resources.pids, 20u);
}

TEST_F(OverridesTest, ErrorsNameTheOverride) {
  EXPECT_EQ(
      Load({"resources.memory=lots"}).error().ToString(),
      "--set resources.memory=lots: resources.memory: expected a size such as 512MiB, 2GiB, "
      "1.5GB or a number of bytes, got \"lots\" (units: B kB MB GB TB PB KiB MiB GiB TiB PiB)");
  EXPECT_EQ(Load({"resourcs.memory=2GiB"}).error().ToString(),
            "--set resourcs.memory=2GiB: unknown key 'resourcs'; did you mean 'resources'?");
  EXPECT_EQ(
      Load({"env.1X=a"}).error().ToString(),
      "--set env.1X=a: env: '1X' is not a valid variable name; expected [A-Za-z_][A-Za-z0-9_]*");
  EXPECT_EQ(Load({"name.first=a"}).error().ToString(),
            "--set name.first=a: cannot set a key inside 'name', which is the string \"base\"");
  EXPECT_EQ(Load({"memory"}).error().ToString(),
            "--set memory: expected KEY=VALUE, e.g. resources.memory=2GiB");
  EXPECT_EQ(Load({"resources..memory=1"}).error().ToString(),
            "--set resources..memory=1: empty key component in \"resources..memory\"");
  EXPECT_EQ(Load({"command=[a"}).error().ToString(),
            "--set command=[a: YAML syntax error: end of sequence flow not found");
}

TEST_F(OverridesTest, FileErrorsStillPointIntoTheFile) {
  std::ofstream(path_) << "name: base\ncommand: [a]\nresources:\n  pids: many\n";
  EXPECT_EQ(Load({"resources.memory=1GiB"}).error().ToString(),
            path_ + ":4:9: resources.pids: expected an integer, got the string \"many\"");
}

}  // namespace
}  // namespace snaprun::orchestrator
