// Run variations of a reproducibility check: parsing `--vary`, and how the control and a
// varied run turn into the sandbox's Config (BuildRunConfig is pure, so no run is needed).
#include "orchestrator/run/variation.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "orchestrator/run/run_config.h"

namespace snaprun::orchestrator {
namespace {

std::vector<std::string> Names(const VariationSet& set) {
  std::vector<std::string> names;
  for (VariationKind kind : set) names.push_back(VariationName(kind));
  return names;
}

using Strings = std::vector<std::string>;

TEST(ParseVariations, BareNamesAreTheWholeSet) {
  auto set = ParseVariations("umask, hostname");
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_EQ(Names(*set), (Strings{"hostname", "umask"}));
}

TEST(ParseVariations, SignedItemsEditTheDefault) {
  auto set = ParseVariations("+cpus,-clock");
  ASSERT_TRUE(set);
  EXPECT_EQ(Names(*set),
            (Strings{"hostname", "env-order", "umask", "locale", "timezone", "cpus", "path"}));
}

TEST(ParseVariations, AllAndNone) {
  EXPECT_EQ(ParseVariations("all")->size(), std::size(kAllVariations));
  EXPECT_TRUE(ParseVariations("none")->empty());
  EXPECT_EQ(Names(*ParseVariations("none,+locale")), (Strings{"locale"}));
  EXPECT_EQ(Names(*ParseVariations("all,-cpus,-dir-order")), Names(DefaultVariations()));
}

TEST(ParseVariations, DefaultLeavesCpusAndDirOrderOut) {
  VariationSet set = DefaultVariations();
  EXPECT_EQ(std::count(set.begin(), set.end(), VariationKind::kCpus), 0);
  EXPECT_EQ(std::count(set.begin(), set.end(), VariationKind::kDirOrder), 0);
  EXPECT_EQ(set.size(), std::size(kAllVariations) - 2);
}

TEST(ParseVariations, UnknownItemIsNamedWithTheKnownOnes) {
  auto set = ParseVariations("hostname,+moon");
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(set.error().ToString().find("\"+moon\""), std::string::npos);
  EXPECT_NE(set.error().ToString().find("env-order"), std::string::npos);
}

RunSpec Spec() {
  RunSpec spec;
  spec.spec_path = "/code/run.yaml";
  spec.name = "r";
  spec.code_dir = "/code";
  spec.command = {"python3", "sim.py"};
  spec.env = {{"SEED", "1"}};
  return spec;
}

sandbox::Config Built(const RunVariation& variation, const RunSpec& spec = Spec()) {
  RunConfigInput input;
  input.run_id = "01jdx9k2m3n4p5q6r7s8t9v0wx";
  input.snapshot_tree = "/trees/ab";
  input.image.host = true;
  input.host_skeleton = "/skeleton";
  input.dirs = {"/runs/R/outputs", "/runs/R/logs"};
  input.variation = variation;
  auto built = BuildRunConfig(spec, input);
  EXPECT_TRUE(built) << built.error().ToString();
  return built ? built->config : sandbox::Config{};
}

std::string EnvValue(const sandbox::Config& c, const std::string& key) {
  for (const std::string& entry : c.process.env) {
    if (entry.rfind(key + "=", 0) == 0) return entry.substr(key.size() + 1);
  }
  return "(unset)";
}

const std::string kRepro = "01jdx9k0000000000000000000";
const std::string kRun = "01jdx9k2m3n4p5q6r7s8t9v0wx";

TEST(RunVariation, ControlFixesWhatAnOrdinaryRunLeavesToTheCaller) {
  sandbox::Config c = Built(ControlVariation(kRepro));
  EXPECT_EQ(c.hostname, "snaprun-repro");
  EXPECT_EQ(c.process.umask, mode_t{0022});
  EXPECT_EQ(EnvValue(c, "SNAPRUN_RUN_ID"), kRepro);
  EXPECT_EQ(c.process.cwd, "/workspace");
  EXPECT_FALSE(c.time_offsets);
  EXPECT_TRUE(c.cpu_affinity.empty());
  EXPECT_TRUE(std::is_sorted(c.process.env.begin(), c.process.env.end()));
}

TEST(RunVariation, NothingVariedIsTheControl) {
  sandbox::Config control = Built(ControlVariation(kRepro));
  sandbox::Config same = Built(VariedRun(kRepro, kRun, 2, {}, {0, 1}));
  EXPECT_EQ(same.hostname, control.hostname);
  EXPECT_EQ(same.process.env, control.process.env);
  EXPECT_EQ(same.process.umask, control.process.umask);
  EXPECT_EQ(same.process.cwd, control.process.cwd);
}

TEST(RunVariation, EachVariationChangesItsKnob) {
  std::vector<unsigned> cpus = {0, 1, 2, 3};
  sandbox::Config c = Built(VariedRun(kRepro, kRun, 2, *ParseVariations("all"), cpus));
  EXPECT_EQ(c.hostname, "snaprun-variant-2");
  EXPECT_TRUE(std::is_sorted(c.process.env.rbegin(), c.process.env.rend()));
  EXPECT_EQ(c.process.umask, mode_t{0002});
  EXPECT_EQ(EnvValue(c, "LANG"), "fr_CH.UTF-8");
  EXPECT_EQ(EnvValue(c, "LC_ALL"), "fr_CH.UTF-8");
  EXPECT_EQ(EnvValue(c, "TZ"), "GMT-14");
  EXPECT_EQ(c.cpu_affinity, (std::vector<unsigned>{3}));
  bool reversed_workspace = false;
  for (const auto& m : c.mounts) {
    if (m.type == sandbox::MountType::kOverlay) reversed_workspace = m.reverse_entry_order;
  }
  EXPECT_TRUE(reversed_workspace);
  ASSERT_TRUE(c.time_offsets);
  EXPECT_GT(c.time_offsets->monotonic_seconds, 365 * 24 * 3600);
  EXPECT_GT(c.time_offsets->boottime_seconds, 365 * 24 * 3600);
  // The workspace moves, and everything that names it moves with it.
  EXPECT_EQ(c.process.cwd, "/workspace-" + kRun.substr(kRun.size() - 8));
  EXPECT_EQ(EnvValue(c, "SNAPRUN_RUN_ID"), kRun);
  EXPECT_EQ(EnvValue(c, "SNAPRUN_OUTPUTS"), c.process.cwd + "/outputs");
  bool outputs_bound = false;
  for (const auto& m : c.mounts) {
    if (m.destination == c.process.cwd + "/outputs") outputs_bound = m.source == "/runs/R/outputs";
  }
  EXPECT_TRUE(outputs_bound);
  EXPECT_TRUE(c.Validate());
}

TEST(RunVariation, WhatTheSpecPinsIsNotVaried) {
  RunSpec spec = Spec();
  spec.env["LANG"] = "en_GB.UTF-8";
  spec.env["TZ"] = "Europe/Zurich";
  sandbox::Config c =
      Built(VariedRun(kRepro, kRun, 2, *ParseVariations("locale,timezone"), {0}), spec);
  EXPECT_EQ(EnvValue(c, "LANG"), "en_GB.UTF-8");
  EXPECT_EQ(EnvValue(c, "TZ"), "Europe/Zurich");
  EXPECT_EQ(EnvValue(c, "LC_ALL"), "fr_CH.UTF-8");  // not pinned, so varied
}

TEST(RunVariation, OneCpuCannotBeVariedAndSaysSo) {
  RunVariation v = VariedRun(kRepro, kRun, 2, *ParseVariations("cpus"), {0});
  EXPECT_TRUE(v.cpus.empty());
  EXPECT_TRUE(v.applied.empty());
  ASSERT_EQ(v.notes.size(), 1u);
  EXPECT_NE(v.notes[0].find("one CPU"), std::string::npos);
  EXPECT_NE(VariationJson(v, 2).find("one CPU"), std::string::npos);
}

TEST(RunVariation, JsonNamesTheRunAndWhatItVaried) {
  RunVariation v = VariedRun(kRepro, kRun, 3, *ParseVariations("hostname,umask"), {0, 1});
  EXPECT_EQ(VariationJson(v, 3), R"({"notes":[],"run":3,"varied":["hostname","umask"]})");
}

}  // namespace
}  // namespace snaprun::orchestrator
