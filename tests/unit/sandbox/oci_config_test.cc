// OCI config.json adapter: accepted shapes and every refused key named by its path.
#include <sched.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sandbox/oci_config.h"

namespace snaprun::sandbox {
namespace {

std::string Spec(const std::string& process_extra, const std::string& top_extra,
                 const std::string& linux_extra) {
  return R"({"ociVersion": "1.0.2",
    "process": {"args": ["sh"], "cwd": "/")" + process_extra + R"(},
    "root": {"path": "rootfs", "readonly": true})" + top_extra + R"(,
    "linux": {"namespaces": [{"type": "user"}, {"type": "mount"}, {"type": "pid"},
                             {"type": "network"}, {"type": "uts"}])" + linux_extra + R"(}})";
}

std::string ErrorOf(const std::string& json) {
  auto r = ConfigFromOciJson(json, "/b", "config.json");
  return r ? std::string("(accepted)") : r.error().message();
}

TEST(OciConfig, StarterSpecParses) {
  auto r = ConfigFromOciJson(StarterOciJson(true), "/b", "config.json");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->rootfs, "/b/rootfs");
  EXPECT_TRUE(r->rootfs_read_only);
  EXPECT_EQ(r->network, Network::kNone);
  EXPECT_EQ(r->mounts.size(), 1u) << "proc, /dev, devpts, shm come from the runtime itself";
}

TEST(OciConfig, MapsMountOptions) {
  auto r = ConfigFromOciJson(
      Spec("", R"(, "mounts": [{"destination": "/data", "type": "bind", "source": "/srv",
            "options": ["rbind", "ro", "noexec"]}])", ""), "/b", "c");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->mounts.size(), 1u);
  EXPECT_EQ(r->mounts[0].type, MountType::kBind);
  EXPECT_TRUE(r->mounts[0].read_only);
  EXPECT_TRUE(r->mounts[0].noexec);
}

// runc's default spec mounts the cgroup filesystem so, relatime included.
TEST(OciConfig, RuncsCgroupMountIsTheCgroup2FilesystemReadOnly) {
  auto r = ConfigFromOciJson(
      Spec("", R"(, "mounts": [{"destination": "/sys/fs/cgroup", "type": "cgroup",
            "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}])",
           ""),
      "/b", "c");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->mounts.size(), 1u);
  EXPECT_EQ(r->mounts[0].type, MountType::kCgroup);
  EXPECT_TRUE(r->mounts[0].read_only);
  EXPECT_TRUE(r->mounts[0].nosuid && r->mounts[0].noexec && r->mounts[0].nodev);
}

std::string TmpfsWithOptions(const std::string& options) {
  return Spec("", R"(, "mounts": [{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs",
                                    "options": [)" + options + R"(]}])", "");
}

TEST(OciConfig, TmpfsSizeAndModeReadAsMountDoes) {
  auto r = ConfigFromOciJson(TmpfsWithOptions(R"("size=16m", "mode=1777")"), "/b", "c");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->mounts[0].size_bytes, 16u << 20);
  EXPECT_EQ(r->mounts[0].mode, 01777u);
  r = ConfigFromOciJson(TmpfsWithOptions(R"("size=4096")"), "/b", "c");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->mounts[0].size_bytes, 4096u);
}

TEST(OciConfig, TmpfsSizeWithGarbageOrSignIsRefused) {
  for (const char* bad : {"size=16x", "size=-1", "size=16mb", "size=", "size=50%",
                          "size=99999999999999999999"}) {
    EXPECT_NE(ErrorOf(TmpfsWithOptions(std::string("\"") + bad + "\"")).find("bad size"),
              std::string::npos)
        << bad;
  }
  for (const char* bad : {"mode=8", "mode=0755x", "mode=-1", "mode=177777"}) {
    EXPECT_NE(ErrorOf(TmpfsWithOptions(std::string("\"") + bad + "\"")).find("bad mode"),
              std::string::npos)
        << bad;
  }
}

TEST(OciProcess, ParsesAProcessObjectAlone) {
  auto p = ProcessFromOciJson(R"({"args": ["env"], "env": ["A=1"], "cwd": "/tmp",
      "user": {"uid": 5, "gid": 6, "additionalGids": [7]}})", "process.json");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->args, std::vector<std::string>{"env"});
  EXPECT_EQ(p->env, std::vector<std::string>{"A=1"});
  EXPECT_EQ(p->cwd, "/tmp");
  EXPECT_EQ(p->uid, 5u);
  EXPECT_EQ(p->additional_gids, std::vector<uint32_t>{7});
}

TEST(OciProcess, RefusesUnknownKeysAndMissingCwd) {
  auto unknown = ProcessFromOciJson(R"({"args": ["env"], "cwd": "/", "bogus": 1})", "p.json");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("bogus"), std::string::npos)
      << unknown.error().message();
  EXPECT_FALSE(ProcessFromOciJson(R"({"args": ["env"]})", "p.json"));
}

TEST(OciConfig, EveryListedMountOptionIsAccepted) {
  for (const auto& option : OciMountOptionNames()) {
    auto r = ConfigFromOciJson(Spec("", R"(, "mounts": [{"destination": "/data", "type": "bind",
        "source": "/srv", "options": [")" + option + R"("]}])", ""), "/b", "c");
    EXPECT_TRUE(r) << option << ": " << r.error().message();
  }
}

TEST(OciConfig, UnknownTopLevelKeyIsNamed) {
  EXPECT_NE(ErrorOf(Spec("", R"(, "vm": {})", "")).find("vm: unknown"), std::string::npos);
}

TEST(OciConfig, UnknownProcessKeyIsNamed) {
  EXPECT_NE(ErrorOf(Spec(R"(, "apparmorProfile": "x")", "", "")).find("process.apparmorProfile"),
            std::string::npos);
}

// The Spec() namespaces with ENTRY added.
std::string WithNamespace(const std::string& entry, const std::string& top_extra = "") {
  return R"({"ociVersion": "1.0.2", "process": {"args": ["sh"], "cwd": "/"},
    "root": {"path": "r"})" + top_extra + R"(, "linux": {"namespaces": [{"type": "user"},
    {"type": "mount"}, {"type": "pid"}, )" + entry + R"(]}})";
}

TEST(OciConfig, NetworkIpcUtsAndCgroupPathsAreJoinedInsteadOfCreated) {
  auto r = ConfigFromOciJson(
      WithNamespace(R"({"type": "network", "path": "/var/run/netns/pod"},
                       {"type": "ipc", "path": "/proc/7/ns/ipc"},
                       {"type": "uts", "path": "/proc/7/ns/uts"},
                       {"type": "cgroup", "path": "/proc/7/ns/cgroup"})"),
      "/b", "config.json");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->network, Network::kJoined);
  EXPECT_FALSE(r->namespaces.ipc);
  EXPECT_FALSE(r->namespaces.uts);
  EXPECT_FALSE(r->namespaces.cgroup);
  EXPECT_TRUE(r->namespaces.pid);
  ASSERT_EQ(r->joined_namespaces.size(), 4u);
  EXPECT_EQ(r->joined_namespaces[0].clone_flag, CLONE_NEWNET);
  EXPECT_EQ(r->joined_namespaces[0].path, "/var/run/netns/pod");
  EXPECT_EQ(r->joined_namespaces[3].clone_flag, CLONE_NEWCGROUP);
}

TEST(OciConfig, UserMountPidAndTimePathsAreRefusedByPath) {
  for (const std::string type : {"user", "mount", "pid", "time"}) {
    std::string json = R"({"ociVersion": "1.0.2", "process": {"args": ["sh"], "cwd": "/"},
      "root": {"path": "r"}, "linux": {"namespaces": [{"type": ")" + type +
                       R"(", "path": "/proc/1/ns/x"}]}})";
    std::string error = ErrorOf(json);
    EXPECT_NE(error.find("linux.namespaces[0].path"), std::string::npos) << error;
    EXPECT_NE(error.find("joining an existing " + type + " namespace is not supported"),
              std::string::npos)
        << error;
  }
}

TEST(OciConfig, JoinedNamespaceMistakesAreNamed) {
  std::string relative = ErrorOf(WithNamespace(R"({"type": "network", "path": "netns/pod"})"));
  EXPECT_NE(relative.find("linux.namespaces[3].path"), std::string::npos) << relative;
  EXPECT_NE(relative.find("absolute"), std::string::npos) << relative;
  std::string twice = ErrorOf(WithNamespace(
      R"({"type": "network"}, {"type": "network", "path": "/var/run/netns/pod"})"));
  EXPECT_NE(twice.find("linux.namespaces[4].type"), std::string::npos) << twice;
  EXPECT_NE(twice.find("listed twice"), std::string::npos) << twice;
  std::string unknown = ErrorOf(WithNamespace(R"({"type": "pod", "path": "/x"})"));
  EXPECT_NE(unknown.find("unknown namespace \"pod\""), std::string::npos) << unknown;
  // A shared uts namespace cannot take the container's hostname.
  std::string named = ErrorOf(WithNamespace(R"({"type": "uts", "path": "/proc/7/ns/uts"})",
                                            R"(, "hostname": "mine")"));
  EXPECT_NE(named.find("hostname"), std::string::npos) << named;
  EXPECT_NE(named.find("it joins /proc/7/ns/uts, which is shared"), std::string::npos) << named;
}

TEST(OciConfig, HostWideSysctlIsRefusedWithPath) {
  EXPECT_NE(ErrorOf(Spec("", "", R"(, "sysctl": {"kernel.panic": "1"})")).find("linux.sysctl.kernel.panic"),
            std::string::npos);
}

TEST(OciConfig, TerminalIsKept) {
  auto r = ConfigFromOciJson(Spec(R"(, "terminal": true)", "", ""), "/b", "config.json");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->process.terminal);
  EXPECT_TRUE(r->Validate());
}

TEST(OciConfig, TerminalMustBeABoolean) {
  EXPECT_NE(ErrorOf(Spec(R"(, "terminal": "yes")", "", "")).find("process.terminal"),
            std::string::npos);
}

TEST(OciConfig, UnsupportedMountOptionIsNamedWithIndex) {
  std::string e = ErrorOf(Spec("", R"(, "mounts": [{"destination": "/t", "type": "tmpfs",
      "options": ["nr_inodes=5"]}])", ""));
  EXPECT_NE(e.find("mounts[0].options[0]"), std::string::npos) << e;
}

TEST(OciConfig, UnknownCapabilityIsNamed) {
  std::string e = ErrorOf(Spec(R"(, "capabilities": {"bounding": ["CAP_BOGUS"]})", "", ""));
  EXPECT_NE(e.find("process.capabilities.bounding"), std::string::npos) << e;
}

TEST(OciConfig, DeviceAllowAllRuleIsRefused) {
  std::string e = ErrorOf(Spec("", "", R"(, "resources": {"devices": [{"allow": true, "access": "rwm"}]})"));
  EXPECT_NE(e.find("linux.resources.devices[0]"), std::string::npos) << e;
}

TEST(OciConfig, TimeNamespaceAndOffsetsAreRead) {
  std::string json = Spec("", "", "");
  json.replace(json.find(R"({"type": "uts"}])"), 16, R"({"type": "uts"}, {"type": "time"}])");
  json.replace(json.rfind("}}"), 2,
               R"(, "timeOffsets": {"monotonic": {"secs": -5}, "boottime": {"secs": 86400,
                  "nanosecs": 0}}}})");
  auto r = ConfigFromOciJson(json, "/b", "c");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_TRUE(r->time_offsets);
  EXPECT_EQ(r->time_offsets->monotonic_seconds, -5);
  EXPECT_EQ(r->time_offsets->boottime_seconds, 86400);
}

TEST(OciConfig, TimeOffsetsNeedATimeNamespace) {
  EXPECT_NE(ErrorOf(Spec("", "", R"(, "timeOffsets": {"boottime": {"secs": 1}})"))
                .find("linux.timeOffsets: needs a \"time\" namespace"),
            std::string::npos);
}

TEST(OciConfig, SubSecondTimeOffsetsAreRefusedNotDropped) {
  std::string json = Spec("", "", "");
  json.replace(json.find(R"({"type": "uts"}])"), 16, R"({"type": "uts"}, {"type": "time"}])");
  json.replace(json.rfind("}}"), 2,
               R"(, "timeOffsets": {"monotonic": {"secs": 1, "nanosecs": 5}}}})");
  EXPECT_NE(ErrorOf(json).find("linux.timeOffsets.monotonic.nanosecs"), std::string::npos)
      << ErrorOf(json);
}

TEST(OciConfig, CpuAffinityListIsExpanded) {
  auto r = ConfigFromOciJson(Spec(R"(, "execCPUAffinity": {"final": "0-2,5"})", "", ""), "/b", "c");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->cpu_affinity, (std::vector<unsigned>{0, 1, 2, 5}));
}

TEST(OciConfig, BadCpuListsAreRefusedWithThePath) {
  for (const char* bad : {"", "a", "3-1", "0,,1", "1-", "0-99999", "2 "}) {
    std::string error =
        ErrorOf(Spec(std::string(R"(, "execCPUAffinity": {"final": ")") + bad + R"("})", "", ""));
    EXPECT_NE(error.find("process.execCPUAffinity.final"), std::string::npos) << bad << ": " << error;
  }
  EXPECT_NE(ErrorOf(Spec(R"(, "execCPUAffinity": {"initial": "0"})", "", ""))
                .find("process.execCPUAffinity.initial"),
            std::string::npos);
}

TEST(OciConfig, AnnotationsAreAccepted) {
  EXPECT_EQ(ErrorOf(Spec("", R"(, "annotations": {"a": "b"})", "")), "(accepted)");
}

TEST(OciConfig, ResourcesAndRlimitsAreStored) {
  auto r = ConfigFromOciJson(Spec(R"(, "rlimits": [{"type": "RLIMIT_NPROC", "soft": 5, "hard": 6}])",
                                  "", R"(, "resources": {"memory": {"limit": 1048576, "reservation": 524288},
                                          "pids": {"limit": 9}})"),
                             "/b", "c");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->process.rlimits.size(), 1u);
  EXPECT_EQ(*r->resources.memory_max_bytes, 1048576u);
  EXPECT_EQ(*r->resources.memory_low_bytes, 524288u);
  EXPECT_EQ(*r->resources.pids_max, 9);
}

}  // namespace
}  // namespace snaprun::sandbox
