// linux.resources through a cgroup: a spinner under a 20 % CPU quota gets no more than
// its share (the kernel's accounting, not a wall-clock threshold), a memory reservation
// lands in the cgroup, and a user who may write no cgroup is told so instead of running
// unlimited.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/oci_bundle_test.h"
#include "tests/support/host_facts.h"

namespace snaprun::testing {
namespace {

class CgroupLimits : public OciBundleTest {
 protected:
  void WriteSpinner() {
    // Two seconds of spinning, ended by busybox's timeout (the sandbox's own timeout
    // would kill init before it could account for the spinner's CPU time).
    auto config = DefaultConfig("timeout 2 sh -c 'while :; do :; done'; exit 0");
    Poco::JSON::Object::Ptr cpu = new Poco::JSON::Object;
    cpu->set("quota", 20000);
    cpu->set("period", 100000);
    Poco::JSON::Object::Ptr resources = new Poco::JSON::Object;
    resources->set("cpu", cpu);
    config->getObject("linux")->set("resources", resources);
    WriteConfig(config);
  }
  std::string ResultPath() const { return dir_.path() + "/result.json"; }
  std::string ResultText() const {
    std::ifstream in(ResultPath());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

TEST_P(CgroupLimits, ASpinnerGetsNoMoreThanItsQuota) {
  WriteSpinner();
  auto run = Cli({"run", "--bundle", Bundle(), "--result", ResultPath(), "t"});
  if (user_ && run.err.find("need a cgroup this user may write") != std::string::npos) {
    GTEST_SKIP() << ::snaprun::testing::HostFactSkip("no-delegated-cgroup", "refused rootless (CgroupLimits.WithoutACgroupTheQuotaIsRefused)");
  }
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string text = ResultText();
  auto result = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
  int64_t cpu_ms = result->getValue<int64_t>("cpu_user_ms") +
                   result->getValue<int64_t>("cpu_system_ms");
  int64_t wall_ms = result->getValue<int64_t>("wall_ms");
  // 20 % of one CPU over the run, plus a period of slack; unlimited it would be ~100 %.
  EXPECT_LE(cpu_ms, wall_ms / 5 + 100) << text;
  EXPECT_NE(text.find("cpu quota: cgroup"), std::string::npos) << text;
}

TEST_P(CgroupLimits, AMemoryReservationIsHeldByTheCgroup) {
  auto config = DefaultConfig("true");
  Poco::JSON::Object::Ptr memory = new Poco::JSON::Object;
  memory->set("reservation", 32 << 20);
  Poco::JSON::Object::Ptr resources = new Poco::JSON::Object;
  resources->set("memory", memory);
  config->getObject("linux")->set("resources", resources);
  WriteConfig(config);
  auto run = Cli({"run", "--bundle", Bundle(), "--result", ResultPath(), "t"});
  if (run.exit_code == 125) {
    EXPECT_NE(run.err.find("memory reservation limits need a cgroup"), std::string::npos)
        << run.err;
    GTEST_SKIP() << ::snaprun::testing::HostFactSkip("no-delegated-cgroup", "no writable cgroup for this user: refused as it should be");
  }
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(ResultText().find("memory reservation: cgroup"), std::string::npos) << ResultText();
}

TEST_P(CgroupLimits, WithoutACgroupTheQuotaIsRefused) {
  WriteSpinner();
  auto run = Cli({"run", "--bundle", Bundle(), "t"});
  if (run.exit_code == 0 && !user_) GTEST_SKIP() << ::snaprun::testing::RootlessOnlySkip("root may always create a cgroup");
  if (run.exit_code == 0) GTEST_SKIP() << ::snaprun::testing::HostFactSkip("delegated-cgroup", "the test user may write a cgroup here");
  EXPECT_EQ(run.exit_code, 125);
  EXPECT_NE(run.err.find("linux.resources: cpu"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("snaprun-sandbox check"), std::string::npos) << run.err;
}

SNAPRUN_INSTANTIATE_MODES(CgroupLimits);

}  // namespace
}  // namespace snaprun::testing
