// Decoding: defaults, every field's resolved value, and path resolution for code.
#include <gtest/gtest.h>

#include "orchestrator/spec/spec_loader.h"
#include "orchestrator/spec/spec_output.h"
#include "orchestrator/spec/spec_yaml.h"
#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

using std::chrono::milliseconds;

Result<RunSpec> Decode(const std::string& text, const std::string& path = "/repo/exp/run.yaml") {
  Result<SpecNode> root = ParseSpecYaml(text, path);
  if (!root) return root.error();
  return DecodeRunSpec(*root, path);
}

TEST(SpecDefaults, MinimalSpecGetsDocumentedDefaults) {
  Result<RunSpec> spec = Decode("name: minimal\ncommand: [python3, main.py]\n");
  ASSERT_TRUE(spec.has_value()) << spec.error().ToString();
  EXPECT_EQ(spec->spec_path, "/repo/exp/run.yaml");
  EXPECT_EQ(spec->code_dir, "/repo/exp");
  EXPECT_FALSE(spec->allow_outside_code);
  EXPECT_EQ(spec->command, (std::vector<std::string>{"python3", "main.py"}));
  EXPECT_FALSE(spec->command_is_shell);
  EXPECT_EQ(spec->image, "host");
  EXPECT_TRUE(spec->env.empty());
  EXPECT_EQ(spec->network, NetworkMode::kNone);
  EXPECT_EQ(spec->seccomp, SeccompChoice::kDefault);
  EXPECT_TRUE(spec->datastores.empty());
  EXPECT_FALSE(spec->resources.cpus || spec->resources.memory_bytes || spec->resources.pids ||
               spec->resources.scratch_bytes || spec->resources.tmp_bytes ||
               spec->resources.timeout || spec->resources.nofile);
  EXPECT_FALSE(spec->snapshot.max_size_bytes || spec->snapshot.max_files);
  EXPECT_EQ(spec->outputs, "outputs");
  EXPECT_EQ(spec->logs, "logs");
}

TEST(SpecFields, EveryFieldResolves) {
  Result<RunSpec> spec = Decode(R"(name: full
code: src/model
command: [python3, train.py, --epochs, 10]
image: registry.example/team/trainer:v1.2
env: {A: "1", B: 2, C: true}
resources: {cpus: 2.5, memory: 2GiB, pids: 512, scratch: 1.5GB, tmp: 300MB, timeout: 1h30m, nofile: 4096}
network: host
seccomp: strict
datastores:
  - name: imagenet
  - {name: scratch, path: /mnt/scratch, mode: rw}
snapshot: {max_size: 10KB, max_files: 100}
outputs: results
logs: log.d
)");
  ASSERT_TRUE(spec.has_value()) << spec.error().ToString();
  EXPECT_EQ(spec->code_dir, "/repo/exp/src/model");
  EXPECT_EQ(spec->command[3], "10");
  EXPECT_EQ(spec->env, (std::map<std::string, std::string>{{"A", "1"}, {"B", "2"}, {"C", "true"}}));
  EXPECT_EQ(*spec->resources.cpus, 2.5);
  EXPECT_EQ(*spec->resources.memory_bytes, 2ull << 30);
  EXPECT_EQ(*spec->resources.pids, 512u);
  EXPECT_EQ(*spec->resources.scratch_bytes, 1500000000u);
  EXPECT_EQ(*spec->resources.tmp_bytes, 300000000u);
  EXPECT_EQ(*spec->resources.timeout, milliseconds(5400000));
  EXPECT_EQ(*spec->resources.nofile, 4096u);
  EXPECT_EQ(spec->network, NetworkMode::kHost);
  EXPECT_EQ(spec->seccomp, SeccompChoice::kStrict);
  ASSERT_EQ(spec->datastores.size(), 2u);
  EXPECT_EQ(spec->datastores[0].path, "/data/imagenet");
  EXPECT_EQ(spec->datastores[0].mode, DatastoreMode::kReadOnly);
  EXPECT_EQ(spec->datastores[1].path, "/mnt/scratch");
  EXPECT_EQ(spec->datastores[1].mode, DatastoreMode::kReadWrite);
  EXPECT_EQ(*spec->snapshot.max_size_bytes, 10000u);
  EXPECT_EQ(*spec->snapshot.max_files, 100u);
  EXPECT_EQ(spec->outputs, "results");
  EXPECT_EQ(spec->logs, "log.d");
}

TEST(SpecFields, StringCommandRunsThroughTheShell) {
  Result<RunSpec> spec = Decode("name: s\ncommand: python3 train.py --seed 42 | tee out\n");
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(spec->command,
            (std::vector<std::string>{"/bin/sh", "-c", "python3 train.py --seed 42 | tee out"}));
  EXPECT_TRUE(spec->command_is_shell);
}

TEST(SpecFields, CodeOutsideNeedsTheFlag) {
  EXPECT_EQ(Decode("name: s\ncommand: [a]\ncode: ../src\n").error().ToString(),
            "/repo/exp/run.yaml:3:7: code: \"../src\" leaves the spec's directory; write a "
            "relative path without \"..\", or set allow_outside_code: true");
  Result<RunSpec> up = Decode("name: s\ncommand: [a]\ncode: ../src/\nallow_outside_code: true\n");
  ASSERT_TRUE(up.has_value()) << up.error().ToString();
  EXPECT_EQ(up->code_dir, "/repo/src");
  Result<RunSpec> absolute =
      Decode("name: s\ncommand: [a]\ncode: /opt/x\nallow_outside_code: true\n");
  ASSERT_TRUE(absolute.has_value());
  EXPECT_EQ(absolute->code_dir, "/opt/x");
}

TEST(SpecFields, ImageReferences) {
  for (const char* good :
       {"host", "busybox", "library/busybox:1.36", "a.b-c_d/e:TAG_1.x",
        "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}) {
    EXPECT_TRUE(Decode(std::string("name: s\ncommand: [a]\nimage: \"") + good + "\"\n").has_value())
        << good;
  }
  for (const char* bad :
       {"Busybox", "busy box", "a//b", "-a", "a:", "a:-x", "sha256:ABC", "a@sha256:12"}) {
    EXPECT_FALSE(Decode(std::string("name: s\ncommand: [a]\nimage: \"") + bad + "\"\n").has_value())
        << bad;
  }
}

TEST(SpecFields, BoundsAtTheirEdges) {
  auto resources = [](const std::string& body) {
    return Decode("name: s\ncommand: [a]\nresources: {" + body + "}\n").has_value();
  };
  EXPECT_TRUE(resources("cpus: 4096"));
  EXPECT_FALSE(resources("cpus: 4096.5"));
  EXPECT_TRUE(resources("cpus: 0.001"));
  EXPECT_TRUE(resources("memory: 1PiB"));
  EXPECT_FALSE(resources("memory: 1125899906842625"));
  EXPECT_TRUE(resources("pids: 4194304"));
  EXPECT_FALSE(resources("pids: 4194305"));
  EXPECT_TRUE(resources("timeout: 720h"));
  EXPECT_FALSE(resources("timeout: 720h1ms"));
  EXPECT_FALSE(resources("timeout: 0s"));
  EXPECT_FALSE(resources("nofile: 0"));
}

TEST(SpecFields, FirstMistakeInTheFileIsReported) {
  EXPECT_EQ(
      Decode("name: s\ncommand: [a]\nresources: {memory: 2048TiB, cpus: 0}\n").error().ToString(),
      "/repo/exp/run.yaml:3:21: resources.memory: 2048TiB is out of range; expected 1 to 1PiB");
}

TEST(SpecOutput, JsonCarriesResolvedValues) {
  Result<RunSpec> spec = Decode(
      "name: j\ncommand: [a, \"b c\"]\nenv: {X: \"q\\\"uote\"}\nresources: {memory: 1GiB, timeout: "
      "90s}\n");
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(
      RunSpecToJson(*spec),
      "{\"name\":\"j\",\"spec\":\"/repo/exp/run.yaml\",\"code\":\"/repo/exp\","
      "\"allow_outside_code\":false,\"command\":[\"a\",\"b c\"],\"image\":\"host\","
      "\"env\":{\"X\":\"q\\\"uote\"},\"resources\":{\"memory\":1073741824,\"timeout\":\"1m30s\"},"
      "\"network\":\"none\",\"seccomp\":\"default\",\"datastores\":[],\"snapshot\":{},"
      "\"outputs\":\"outputs\",\"logs\":\"logs\"}");
}

TEST(SpecOutput, YamlOutputParsesBackToTheSameSpec) {
  Result<RunSpec> spec = Decode(
      "name: y\ncommand: echo hi\nenv: {N: 1}\nresources: {memory: 1.5GB, cpus: 0.5}\n"
      "datastores: [{name: d}]\nsnapshot: {max_files: 9}\n");
  ASSERT_TRUE(spec.has_value());
  std::string yaml = RunSpecToYaml(*spec);
  // The printed form resolves paths, so it is re-read from its own location.
  Result<SpecNode> root = ParseSpecYaml(yaml, "/repo/exp/run.yaml");
  ASSERT_TRUE(root.has_value()) << root.error().ToString();
  root->entries.erase(root->entries.begin() + 1, root->entries.begin() + 3);  // spec, code
  Result<RunSpec> again = DecodeRunSpec(*root, "/repo/exp/run.yaml");
  ASSERT_TRUE(again.has_value()) << again.error().ToString() << "\n" << yaml;
  EXPECT_EQ(RunSpecToJson(*again), RunSpecToJson(*spec));
}

}  // namespace
}  // namespace snaprun::orchestrator
