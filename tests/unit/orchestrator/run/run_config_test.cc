// BuildRunConfig is pure: the sandbox layout of DESIGN.md "Inside a sandbox" is checked
// on the returned Config alone, without running anything.
#include "orchestrator/run/run_config.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

using sandbox::MountType;

RunSpec HelloSpec() {
  RunSpec spec;
  spec.spec_path = "/code/run.yaml";
  spec.name = "hello";
  spec.code_dir = "/code";
  spec.command = {"sh", "hello.sh"};
  spec.env = {{"GREETING", "hi"}};
  return spec;
}

RunConfigInput HostInput() {
  RunConfigInput input;
  input.run_id = "01jdx9k2m3n4p5q6r7s8t9v0wx";
  input.snapshot_tree = "/home/u/.local/share/snaprun/trees/ab12";
  input.image.host = true;
  input.image.digest = "sha256:00";
  input.host_skeleton = "/home/u/.local/share/snaprun/host-rootfs";
  input.host_etc = {"/runs/R/host-etc", {"alternatives", "hosts", "ld.so.cache", "resolv.conf",
                                         "ssl/certs"}};
  input.dirs = {"/runs/R/outputs", "/runs/R/logs"};
  return input;
}

const sandbox::Mount* Find(const sandbox::Config& config, const std::string& destination) {
  for (const auto& m : config.mounts) {
    if (m.destination == destination) return &m;
  }
  return nullptr;
}

// The host's /etc holds shadow, SSH host keys and ssl/private: a root run could read
// them. The host image binds /usr and, of /etc, only allow-listed entries and stubs.
TEST(RunConfig, HostImageIsSkeletonWithReadOnlyUsrAndAllowListedEtc) {
  auto built = BuildRunConfig(HelloSpec(), HostInput());
  ASSERT_TRUE(built) << built.error().ToString();
  const sandbox::Config& c = built->config;
  EXPECT_EQ(c.rootfs, HostInput().host_skeleton);
  EXPECT_TRUE(c.rootfs_read_only);
  EXPECT_EQ(Find(c, "/etc"), nullptr);
  for (const char* path : {"/usr", "/etc/alternatives", "/etc/ld.so.cache", "/etc/ssl/certs"}) {
    const sandbox::Mount* m = Find(c, path);
    ASSERT_NE(m, nullptr) << path;
    EXPECT_EQ(m->source, path);
    EXPECT_TRUE(m->read_only);
  }
  for (const char* stub : {"passwd", "group", "hosts"}) {
    const sandbox::Mount* m = Find(c, std::string("/etc/") + stub);
    ASSERT_NE(m, nullptr) << stub;
    EXPECT_EQ(m->source, std::string("/runs/R/host-etc/") + stub);
    EXPECT_TRUE(m->read_only);
  }
  EXPECT_EQ(Find(c, "/etc/resolv.conf"), nullptr);  // no network, no resolver
  // Nothing of the host is bound but /usr, the listed /etc entries and the run's own.
  std::vector<std::string> allowed = {"/usr", "/etc/alternatives", "/etc/ld.so.cache",
                                      "/etc/ssl/certs", HostInput().snapshot_tree,
                                      "/runs/R/outputs", "/runs/R/logs"};
  for (const auto& m : c.mounts) {
    if (m.type != MountType::kBind || m.source.rfind("/runs/R/host-etc/", 0) == 0) continue;
    EXPECT_NE(std::find(allowed.begin(), allowed.end(), m.source), allowed.end()) << m.source;
  }
}

TEST(RunConfig, TheHostNetworkBringsTheHostsResolverAndHostsTable) {
  RunSpec spec = HelloSpec();
  spec.network = NetworkMode::kHost;
  auto built = BuildRunConfig(spec, HostInput());
  ASSERT_TRUE(built) << built.error().ToString();
  for (const char* path : {"/etc/resolv.conf", "/etc/hosts"}) {
    const sandbox::Mount* m = Find(built->config, path);
    ASSERT_NE(m, nullptr) << path;
    EXPECT_EQ(m->source, path);
  }
}

TEST(HostEtc, OnlyAllowListedEntriesOfAnEtcAreFound) {
  snaprun::testing::TempDir etc;
  for (const char* dir : {"ssl/certs", "ssl/private", "ssh", "python3.11", "java-17-openjdk"}) {
    std::filesystem::create_directories(etc.path() + "/" + dir);
  }
  for (const char* file : {"shadow", "ld.so.cache", "passwd", "sudoers", "resolv.conf"}) {
    std::ofstream(etc.path() + "/" + file) << "x\n";
  }
  EXPECT_EQ(HostEtcEntries(etc.path()),
            (std::vector<std::string>{"java-17-openjdk", "ld.so.cache", "python3.11",
                                      "resolv.conf", "ssl/certs"}));
}

TEST(RunConfig, StoredImageIsItsRootfs) {
  RunConfigInput input = HostInput();
  input.image.host = false;
  input.image.rootfs = "/images/abc/rootfs";
  auto built = BuildRunConfig(HelloSpec(), input);
  ASSERT_TRUE(built);
  EXPECT_EQ(built->config.rootfs, "/images/abc/rootfs");
  EXPECT_EQ(Find(built->config, "/usr"), nullptr);
}

TEST(RunConfig, WorkspaceIsOverlayOfSnapshotWithRwOutputsAndLogs) {
  RunSpec spec = HelloSpec();
  spec.resources.scratch_bytes = 123456;
  auto built = BuildRunConfig(spec, HostInput());
  ASSERT_TRUE(built);
  const sandbox::Config& c = built->config;
  const sandbox::Mount* snapshot = Find(c, "/snapshot");
  ASSERT_NE(snapshot, nullptr);
  EXPECT_TRUE(snapshot->read_only);
  const sandbox::Mount* ws = Find(c, "/workspace");
  ASSERT_NE(ws, nullptr);
  EXPECT_EQ(ws->type, MountType::kOverlay);
  EXPECT_EQ(ws->overlay_lower, std::vector<std::string>{HostInput().snapshot_tree});
  EXPECT_EQ(ws->size_bytes, 123456u);
  EXPECT_EQ(ws->overlay_fallback, sandbox::OverlayFallback::kCopyToTmpfs);
  const sandbox::Mount* outputs = Find(c, "/workspace/outputs");
  const sandbox::Mount* logs = Find(c, "/workspace/logs");
  ASSERT_NE(outputs, nullptr);
  ASSERT_NE(logs, nullptr);
  EXPECT_FALSE(outputs->read_only);
  EXPECT_TRUE(outputs->nosuid && outputs->nodev && logs->nosuid && logs->nodev);
  EXPECT_EQ(outputs->source, "/runs/R/outputs");
  // The binds must come after the overlay, or the overlay would hide them.
  EXPECT_GT(outputs - &c.mounts[0], ws - &c.mounts[0]);
  EXPECT_EQ(c.process.cwd, "/workspace");
}

// Root's runs never hold host uid 0: the command alone enters a user namespace mapped
// onto kRootRunIdBase, and only the trees whose owners matter inside are idmapped.
TEST(RunConfig, RootsRunsMapTheSandboxOntoTheRootRunRange) {
  RunConfigInput input = HostInput();
  input.root_caller = true;
  auto built = BuildRunConfig(HelloSpec(), input);
  ASSERT_TRUE(built) << built.error().message();
  const sandbox::Config& c = built->config;
  EXPECT_EQ(c.user_namespace_scope, sandbox::UserNamespaceScope::kCommandOnly);
  ASSERT_EQ(c.uid_mappings.size(), 1u);
  ASSERT_EQ(c.gid_mappings.size(), 1u);
  EXPECT_EQ(c.uid_mappings[0].inside, 0u);
  EXPECT_EQ(c.uid_mappings[0].outside, kRootRunIdBase);
  EXPECT_EQ(c.uid_mappings[0].count, kRootRunIdCount);
  EXPECT_EQ(c.gid_mappings[0].outside, kRootRunIdBase);
  EXPECT_TRUE(Find(c, "/snapshot")->idmap);
  EXPECT_TRUE(Find(c, "/workspace")->idmap);
  EXPECT_FALSE(Find(c, "/usr")->idmap);
  EXPECT_FALSE(Find(c, "/workspace/outputs")->idmap);
  EXPECT_FALSE(Find(c, "/workspace/logs")->idmap);
}

TEST(RunConfig, RootlessRunsKeepTheirOwnSingleIdMap) {
  auto built = BuildRunConfig(HelloSpec(), HostInput());
  ASSERT_TRUE(built);
  const sandbox::Config& c = built->config;
  EXPECT_EQ(c.user_namespace_scope, sandbox::UserNamespaceScope::kSandbox);
  EXPECT_TRUE(c.uid_mappings.empty());
  for (const auto& m : c.mounts) EXPECT_FALSE(m.idmap) << m.destination;
}

TEST(RunConfig, TmpIsSizedTmpfs) {
  RunSpec spec = HelloSpec();
  spec.resources.tmp_bytes = 64 << 20;
  auto built = BuildRunConfig(spec, HostInput());
  ASSERT_TRUE(built);
  const sandbox::Mount* tmp = Find(built->config, "/tmp");
  ASSERT_NE(tmp, nullptr);
  EXPECT_EQ(tmp->type, MountType::kTmpfs);
  EXPECT_EQ(tmp->size_bytes, uint64_t{64} << 20);
}

TEST(RunConfig, EnvironmentIsExactlyTheDocumentedOne) {
  auto built = BuildRunConfig(HelloSpec(), HostInput());
  ASSERT_TRUE(built);
  std::vector<std::string> env = built->config.process.env;
  std::sort(env.begin(), env.end());
  std::vector<std::string> expected = {
      "GREETING=hi", "HOME=/tmp", "LANG=C.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin",
      "SNAPRUN_LOGS=/workspace/logs", "SNAPRUN_OUTPUTS=/workspace/outputs",
      "SNAPRUN_RUN_ID=01jdx9k2m3n4p5q6r7s8t9v0wx"};
  EXPECT_EQ(env, expected);
}

TEST(RunConfig, SpecCannotOverrideRunIdentity) {
  RunSpec spec = HelloSpec();
  spec.env["SNAPRUN_RUN_ID"] = "forged";
  auto built = BuildRunConfig(spec, HostInput());
  ASSERT_TRUE(built);
  const auto& env = built->config.process.env;
  EXPECT_EQ(std::count(env.begin(), env.end(), "SNAPRUN_RUN_ID=forged"), 0);
}

TEST(RunConfig, LimitsHostnameNetworkTimeout) {
  RunSpec spec = HelloSpec();
  spec.resources.memory_bytes = 64 << 20;
  spec.resources.pids = 64;
  spec.resources.nofile = 256;
  spec.resources.timeout = std::chrono::milliseconds(60000);
  spec.resources.cpus = 2;
  spec.network = NetworkMode::kHost;
  auto built = BuildRunConfig(spec, HostInput());
  ASSERT_TRUE(built);
  const sandbox::Config& c = built->config;
  EXPECT_EQ(c.resources.memory_max_bytes, uint64_t{64} << 20);
  EXPECT_EQ(c.resources.pids_max, 64);
  EXPECT_EQ(c.timeout, std::chrono::milliseconds(60000));
  EXPECT_EQ(c.network, sandbox::Network::kHost);
  EXPECT_EQ(c.hostname, "snaprun-01jdx9k2");
  bool nofile = false, cpu = false;
  for (const auto& r : c.process.rlimits) {
    if (r.resource == RLIMIT_NOFILE) nofile = r.soft == 256 && r.hard == 256;
    if (r.resource == RLIMIT_CPU) cpu = r.soft == 120;
  }
  EXPECT_TRUE(nofile);
  EXPECT_TRUE(cpu);
  EXPECT_FALSE(built->notes.empty());
}

TEST(RunConfig, DefaultsAreNoNetworkNoCapabilitiesNoNewPrivs) {
  auto built = BuildRunConfig(HelloSpec(), HostInput());
  ASSERT_TRUE(built);
  const sandbox::Config& c = built->config;
  EXPECT_EQ(c.network, sandbox::Network::kNone);
  EXPECT_TRUE(c.process.capabilities.bounding.empty());
  EXPECT_TRUE(c.process.no_new_privileges);
  EXPECT_FALSE(c.timeout.has_value());
}

TEST(RunConfig, DatastoresNeedAPolicy) {
  RunSpec spec = HelloSpec();
  spec.datastores.push_back({"imagenet", "/data/imagenet", DatastoreMode::kReadOnly});
  auto built = BuildRunConfig(spec, HostInput());
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().code(), ErrorCode::kPolicyDenied);
  EXPECT_NE(built.error().message().find("operator policy"), std::string::npos);
}

TEST(RunConfig, SeccompProfileIsPassedThrough) {
  RunConfigInput input = HostInput();
  input.seccomp = sandbox::SeccompProfile{};
  input.seccomp->default_action = "SCMP_ACT_ERRNO";
  auto built = BuildRunConfig(HelloSpec(), input);
  ASSERT_TRUE(built);
  ASSERT_TRUE(built->config.seccomp);
  EXPECT_EQ(built->config.seccomp->default_action, "SCMP_ACT_ERRNO");
}

}  // namespace
}  // namespace snaprun::orchestrator
