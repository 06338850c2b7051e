#include "sandbox/preflight.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/support/process.h"

namespace snaprun::sandbox {
namespace {

// By value: callers pass temporaries.
CheckItem Find(const PreflightReport& report, const std::string& name) {
  for (const auto& item : report.items) {
    if (item.name == name) return item;
  }
  ADD_FAILURE() << "no check named " << name;
  return {};
}

// A fake host: /proc/sys knobs and /etc files the checks read, so features can be
// masked without touching the real machine.
class FakeHost {
 public:
  FakeHost() {
    Write("proc/sys/user/max_user_namespaces", "15000\n");
    Write("proc/sys/kernel/seccomp/actions_avail", "kill_process errno allow\n");
    Write("proc/self/mountinfo", "");
    Write("proc/self/cgroup", "");
    std::filesystem::create_directories(dir_.path() + "/etc");
    std::filesystem::create_directories(dir_.path() + "/usr/bin");
  }
  void Write(const std::string& relative, const std::string& text) {
    std::string path = dir_.path() + "/" + relative;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
  }
  PreflightOptions Options() const {
    PreflightOptions options;
    options.paths = {dir_.path() + "/proc", dir_.path() + "/etc", dir_.path() + "/usr/bin"};
    options.live_probes = false;
    return options;
  }

 private:
  testing::TempDir dir_;
};

TEST(Preflight, MaskedUserNamespacesAreMissingWithTheSysctlToFix) {
  FakeHost host;
  host.Write("proc/sys/user/max_user_namespaces", "0\n");
  PreflightReport report = RunPreflight(host.Options());
  CheckItem item = Find(report, "user namespaces");
  EXPECT_EQ(item.status, CheckStatus::kMissing);
  EXPECT_NE(item.how_to_enable.find("user.max_user_namespaces"), std::string::npos);
  EXPECT_EQ(report.Overall(), CheckStatus::kMissing);
}

TEST(Preflight, DebianKnobAndAppArmorRestrictionAreNamed) {
  FakeHost host;
  host.Write("proc/sys/kernel/unprivileged_userns_clone", "0\n");
  EXPECT_NE(Find(RunPreflight(host.Options()), "user namespaces")
                .detail.find("unprivileged_userns_clone"),
            std::string::npos);
  host.Write("proc/sys/kernel/unprivileged_userns_clone", "1\n");
  host.Write("proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1\n");
  CheckItem item = Find(RunPreflight(host.Options()), "user namespaces");
  EXPECT_EQ(item.status, CheckStatus::kMissing);
  EXPECT_NE(item.detail.find("AppArmor"), std::string::npos);
}

TEST(Preflight, NoCgroupsFallsBackToRlimits) {
  FakeHost host;
  CheckItem item = Find(RunPreflight(host.Options()), "cgroups");
  EXPECT_EQ(item.status, CheckStatus::kDegraded);
  EXPECT_NE(item.fallback.find("rlimits"), std::string::npos);
}

TEST(Preflight, SeccompMissingWhenTheKernelHasNone) {
  FakeHost host;
  std::filesystem::remove(host.Options().paths.proc + "/sys/kernel/seccomp/actions_avail");
  EXPECT_EQ(Find(RunPreflight(host.Options()), "seccomp").status, CheckStatus::kMissing);
}

TEST(Preflight, JsonNamesEveryCheck) {
  FakeHost host;
  std::string json = RunPreflight(host.Options()).ToJson();
  for (const char* name : {"user namespaces", "rootless overlayfs", "cgroups", "seccomp",
                           "subordinate id ranges"}) {
    EXPECT_NE(json.find(name), std::string::npos) << name;
  }
}

// The live host, probed for real. What it allows varies by machine; the report
// must agree with util-linux's unshare(1) asked the same questions.
TEST(Preflight, LiveHostReportAgreesWithUnshare) {
  PreflightReport report = RunPreflight(PreflightOptions{});
  bool userns = testing::RunCommand({"unshare", "--user", "true"}).exit_code == 0;
  EXPECT_EQ(Find(report, "user namespaces").status == CheckStatus::kOk, userns);
  if (!userns) GTEST_SKIP() << "no user namespaces here: overlay cannot be cross-checked";
  testing::TempDir scratch;
  std::string script = "cd " + scratch.path() +
                       " && mount -t tmpfs t . && mkdir l u w m && "
                       "mount -t overlay o -o lowerdir=l,upperdir=u,workdir=w m";
  bool overlay =
      testing::RunCommand({"unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script})
          .exit_code == 0;
  EXPECT_EQ(Find(report, "rootless overlayfs").status == CheckStatus::kOk, overlay);
}

}  // namespace
}  // namespace snaprun::sandbox
