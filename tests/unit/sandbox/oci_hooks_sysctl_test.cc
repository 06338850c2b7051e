// OCI "hooks", "annotations" and "linux.sysctl": accepted shapes, the plan they
// produce, and every refusal named by its JSON path.
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "sandbox/device_nodes.h"
#include "sandbox/hooks.h"
#include "sandbox/oci_config.h"
#include "sandbox/plan.h"
#include "sandbox/sysctl.h"

namespace snaprun::sandbox {
namespace {

std::string Spec(const std::string& top_extra, const std::string& linux_extra,
                 const std::string& namespaces = R"([{"type": "user"}, {"type": "mount"},
                     {"type": "pid"}, {"type": "network"}, {"type": "uts"}, {"type": "ipc"}])") {
  return R"({"ociVersion": "1.0.2", "process": {"args": ["sh"], "cwd": "/"},
    "root": {"path": "rootfs"})" + top_extra + R"(,
    "linux": {"namespaces": )" + namespaces + linux_extra + "}}";
}

std::string ErrorOf(const std::string& json) {
  auto r = ConfigFromOciJson(json, "/b", "config.json");
  return r ? std::string("(accepted)") : r.error().message();
}

TEST(OciHooks, EveryKindParsesInOrder) {
  auto r = ConfigFromOciJson(Spec(R"(, "hooks": {
      "prestart": [{"path": "/p"}],
      "createRuntime": [{"path": "/a", "args": ["a", "1"], "env": ["X=1"], "timeout": 5},
                        {"path": "/b"}],
      "createContainer": [{"path": "/c"}], "startContainer": [{"path": "/d"}],
      "poststart": [{"path": "/e"}], "poststop": [{"path": "/f"}]})", ""), "/b", "c");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->hooks.create_runtime.size(), 2u);
  EXPECT_EQ(r->hooks.create_runtime[0].path, "/a");
  EXPECT_EQ(r->hooks.create_runtime[0].args, (std::vector<std::string>{"a", "1"}));
  EXPECT_EQ(r->hooks.create_runtime[0].env, (std::vector<std::string>{"X=1"}));
  EXPECT_EQ(r->hooks.create_runtime[0].timeout_seconds, 5);
  EXPECT_FALSE(r->hooks.create_runtime[1].timeout_seconds);
  EXPECT_EQ(r->hooks.prestart.at(0).path, "/p");
  EXPECT_EQ(r->hooks.create_container.at(0).path, "/c");
  EXPECT_EQ(r->hooks.start_container.at(0).path, "/d");
  EXPECT_EQ(r->hooks.poststart.at(0).path, "/e");
  EXPECT_EQ(r->hooks.poststop.at(0).path, "/f");
}

TEST(OciHooks, RefusalsNameTheirPath) {
  EXPECT_NE(ErrorOf(Spec(R"(, "hooks": {"poststop": [{"path": "/x", "when": 1}]})", ""))
                .find("hooks.poststop[0].when"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Spec(R"(, "hooks": {"onExit": []})", "")).find("hooks.onExit"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Spec(R"(, "hooks": {"poststart": [{"path": "relative"}]})", ""))
                .find("hooks.poststart[0].path: must be absolute"),
            std::string::npos);
  for (const char* timeout : {"0", "-1", "\"5\""}) {
    std::string hooks = R"(, "hooks": {"createRuntime": [{"path": "/x", "timeout": )";
    EXPECT_NE(ErrorOf(Spec(hooks + timeout + "}]}", ""))
                  .find("hooks.createRuntime[0].timeout"),
              std::string::npos)
        << timeout;
  }
  EXPECT_NE(ErrorOf(Spec(R"(, "hooks": {"poststart": [{"path": "/x", "env": [1]}]})", ""))
                .find("hooks.poststart[0].env[0]"),
            std::string::npos);
}

TEST(OciHooks, StateJsonCarriesTheOciFields) {
  HookContext context{"c1", "/bundles/c1", {{"org.example", "v"}}};
  EXPECT_EQ(HookStateJson(context, "created", 42),
            R"({"ociVersion":"1.0.2","id":"c1","status":"created","pid":42,)"
            R"("bundle":"/bundles/c1","annotations":{"org.example":"v"}})");
  EXPECT_EQ(HookStateJson(context, "stopped", 0).find("\"pid\""), std::string::npos);
}

TEST(OciHooks, AnnotationsMustBeStrings) {
  auto r = ConfigFromOciJson(Spec(R"(, "annotations": {"a": "1", "b": "2"})", ""), "/b", "c");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->annotations.size(), 2u);
  EXPECT_NE(ErrorOf(Spec(R"(, "annotations": {"a": 1})", "")).find("annotations.a"),
            std::string::npos);
}

TEST(OciSysctl, NamespacedKeysAreAcceptedAndPlannedAsProcPaths) {
  auto r = ConfigFromOciJson(
      Spec("", R"(, "sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "65536",
                               "fs.mqueue.queues_max": "8", "kernel.domainname": "x"})"),
      "/b", "c");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->sysctls.size(), 4u);
  ChildPlan plan;
  ASSERT_TRUE(BuildPlan(*r, Caller{1000, 1000, false}, plan));
  std::vector<std::string> paths(plan.sysctl_paths.begin(), plan.sysctl_paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "net/ipv4/ip_forward"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "fs/mqueue/queues_max"), paths.end());
}

TEST(OciSysctl, HostWideAndMalformedKeysAreRefusedByName) {
  const std::pair<const char*, const char*> refused[] = {
      {"kernel.panic", "not namespaced"},
      {"vm.overcommit_memory", "not namespaced"},
      {"net/ipv4/ip_forward", "not a sysctl name"},
      {"net..ipv4", "not a sysctl name"},
      {".net.ipv4", "not a sysctl name"},
      {"net.ipv4.", "not a sysctl name"},
      {"", "not a sysctl name"}};
  for (const auto& [key, why] : refused) {
    std::string error =
        ErrorOf(Spec("", std::string(R"(, "sysctl": {")") + key + R"(": "1"})"));
    EXPECT_NE(error.find(std::string("linux.sysctl.") + key), std::string::npos) << error;
    EXPECT_NE(error.find(why), std::string::npos) << error;
  }
  EXPECT_NE(ErrorOf(Spec("", R"(, "sysctl": {"net.ipv4.ip_forward": 1})"))
                .find("linux.sysctl.net.ipv4.ip_forward"),
            std::string::npos);
}

TEST(OciSysctl, KeysNeedTheirNamespace) {
  const std::string no_ipc_net = R"([{"type": "user"}, {"type": "mount"}, {"type": "pid"}])";
  EXPECT_NE(ErrorOf(Spec("", R"(, "sysctl": {"kernel.sem": "1 2 3 4"})", no_ipc_net))
                .find("needs an ipc namespace"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Spec("", R"(, "sysctl": {"net.core.somaxconn": "8"})", no_ipc_net))
                .find("needs a network namespace"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Spec("", R"(, "sysctl": {"kernel.hostname": "h"})", no_ipc_net))
                .find("needs a uts namespace"),
            std::string::npos);
}

TEST(OciSysctl, RelativePathTurnsDotsIntoSlashes) {
  EXPECT_EQ(SysctlRelativePath("net.ipv4.conf.all.forwarding"), "net/ipv4/conf/all/forwarding");
}

}  // namespace
}  // namespace snaprun::sandbox

namespace snaprun::sandbox {
namespace {

std::string WithDevices(const std::string& devices, const std::string& rules) {
  return Spec("", R"(, "devices": )" + devices + R"(, "resources": {"devices": )" + rules + "}");
}

TEST(OciDevices, AllowRulesForDevDevicesAreAccepted) {
  auto r = ConfigFromOciJson(
      WithDevices(R"([{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229,
                       "fileMode": 438, "uid": 0, "gid": 0}])",
                  R"([{"allow": false, "access": "rwm"},
                      {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"},
                      {"allow": true, "type": "c", "major": 136, "access": "rw"},
                      {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rwm"}])"),
      "/b", "c");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->devices.size(), 1u);
  EXPECT_EQ(r->devices[0].path, "/dev/fuse");
  EXPECT_EQ(r->devices[0].major, 10u);
  EXPECT_EQ(r->device_rules.size(), 4u);
}

TEST(OciDevices, AllowRulesBeyondDevAreRefusedNamingTheRule) {
  const char* refused[] = {R"([{"allow": true, "access": "rwm"}])",
                           R"([{"allow": true, "type": "c", "major": 10, "minor": 229}])",
                           R"([{"allow": true, "type": "b", "major": 8, "minor": 0}])",
                           R"([{"allow": true, "type": "c", "major": 1}])"};
  for (const char* rules : refused) {
    std::string e = ErrorOf(WithDevices("[]", rules));
    EXPECT_NE(e.find("linux.resources.devices[0]: allows"), std::string::npos) << e;
    EXPECT_NE(e.find("not a device of the sandbox's /dev"), std::string::npos) << e;
  }
}

TEST(OciDevices, BadDeviceEntriesAreRefused) {
  EXPECT_NE(ErrorOf(WithDevices(R"([{"path": "/dev/x", "type": "c", "major": 1, "minor": 3,
                                    "owner": 0}])", "[]"))
                .find("linux.devices[0].owner"),
            std::string::npos);
  EXPECT_NE(ErrorOf(WithDevices(R"([{"path": "/dev/x", "type": "z", "major": 1, "minor": 3}])",
                                "[]"))
                .find("linux.devices[0].type"),
            std::string::npos);
  for (const char* path : {"/etc/x", "/dev/../etc/x", "/dev/", "/dev/a/.."}) {
    auto r = ConfigFromOciJson(WithDevices(std::string(R"([{"path": ")") + path +
                                               R"(", "type": "c", "major": 1, "minor": 3}])",
                                           "[]"),
                               "/b", "c");
    ASSERT_TRUE(r) << path;
    auto planned = PlanDevices(*r, false);
    ASSERT_FALSE(planned) << path;
    EXPECT_NE(planned.error().message().find("must name a node below /dev"), std::string::npos);
  }
}

TEST(OciDevices, WithoutMknodTheHostNodeMustMatch) {
  auto r = ConfigFromOciJson(
      WithDevices(R"([{"path": "/dev/null", "type": "c", "major": 1, "minor": 3},
                      {"path": "/dev/snaprun-no-such-node", "type": "c", "major": 1, "minor": 9}])",
                  "[]"),
      "/b", "c");
  ASSERT_TRUE(r);
  // /dev/null is a default node (skipped); the other is not on the host.
  auto planned = PlanDevices(*r, true);
  ASSERT_FALSE(planned);
  EXPECT_NE(planned.error().message().find("linux.devices[1]"), std::string::npos)
      << planned.error().message();
  r = ConfigFromOciJson(
      WithDevices(R"([{"path": "/dev/tty", "type": "b", "major": 5, "minor": 0},
                      {"path": "/dev/net/tun", "type": "c", "major": 1, "minor": 9}])", "[]"),
      "/b", "c");
  ASSERT_TRUE(r);
  if (access("/dev/net/tun", F_OK) != 0) GTEST_SKIP() << "no /dev/net/tun on this host";
  planned = PlanDevices(*r, true);
  ASSERT_FALSE(planned);
  EXPECT_NE(
      planned.error().message().find("linux.devices[1]: the host's /dev/net/tun is not c 1:9"),
      std::string::npos)
      << planned.error().message();
}

}  // namespace
}  // namespace snaprun::sandbox
