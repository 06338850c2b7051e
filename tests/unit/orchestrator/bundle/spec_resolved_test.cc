// The resolved spec JSON reads back into the same spec, overrides apply, code is fixed.
#include <gtest/gtest.h>

#include "orchestrator/spec/spec_output.h"
#include "orchestrator/spec/spec_resolved.h"

namespace snaprun::orchestrator {
namespace {

RunSpec Sample() {
  RunSpec spec;
  spec.spec_path = "/src/proj/run.yaml";
  spec.name = "train";
  spec.code_dir = "/src/proj";
  spec.command = {"/bin/sh", "-c", "echo \"hi\" > outputs/x"};
  spec.image = "busybox";
  spec.env = {{"SEED", "42"}, {"NOTE", "a\tb"}};
  spec.resources.memory_bytes = uint64_t{512} << 20;
  spec.resources.timeout = std::chrono::minutes(90);
  spec.snapshot.max_files = 50;
  return spec;
}

TEST(SpecResolved, RoundTripsExactly) {
  std::string json = RunSpecToJson(Sample());
  auto spec = RunSpecFromJson(json, "test");
  ASSERT_TRUE(spec) << spec.error().ToString();
  EXPECT_EQ(RunSpecToJson(*spec), json);
}

TEST(SpecResolved, OverridesApply) {
  auto spec = RunSpecFromJson(RunSpecToJson(Sample()), "test", {"env.SEED=7"});
  ASSERT_TRUE(spec) << spec.error().ToString();
  EXPECT_EQ(spec->env.at("SEED"), "7");
  EXPECT_EQ(spec->code_dir, "/src/proj");
}

TEST(SpecResolved, CodeCannotBeOverridden) {
  auto spec = RunSpecFromJson(RunSpecToJson(Sample()), "test", {"code=elsewhere"});
  ASSERT_FALSE(spec);
  EXPECT_NE(spec.error().message().find("stored snapshot"), std::string::npos);
}

TEST(SpecResolved, UnknownKeyIsRefused) {
  std::string json = RunSpecToJson(Sample());
  json.insert(1, "\"bogus\":1,");
  EXPECT_FALSE(RunSpecFromJson(json, "test"));
}

}  // namespace
}  // namespace snaprun::orchestrator
