// `ps`, `pause`/`resume` and `features` through the CLI, rootless and as root. Pausing
// needs a cgroup with a freezer (as root, one is made for linux.resources); without one
// it is refused with a message saying so.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/oci_bundle_test.h"
#include "tests/support/host_facts.h"

namespace snaprun::testing {
namespace {

// A counter the container advances as fast as the shell can while it runs.
constexpr char kCounter[] =
    "echo started > /out/started; i=0; while true; do i=$((i+1)); echo $i > /out/counter.new; "
    "mv /out/counter.new /out/counter; done";

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PausePs : public OciBundleTest {
 protected:
  // WITH_LIMITS adds linux.resources (a pids limit), which makes a cgroup where the
  // caller may write one.
  void StartContainer(const std::string& script, bool with_limits) {
    auto config = DefaultConfig(script);
    if (with_limits) {
      Poco::JSON::Object::Ptr pids = new Poco::JSON::Object;
      pids->set("limit", 200);
      Poco::JSON::Object::Ptr resources = new Poco::JSON::Object;
      resources->set("pids", pids);
      config->getObject("linux")->set("resources", resources);
    }
    WriteConfig(config);
    auto created = Create("c1");
    ASSERT_EQ(created.exit_code, 0) << created.err;
    ASSERT_EQ(Cli({"start", "c1"}).exit_code, 0);
    ASSERT_TRUE(AwaitFile(Out() + "/started"));
  }

  std::string CgroupOf(const std::string& id) {
    auto record = Poco::JSON::Parser()
                      .parse(ReadFileText(Root() + "/" + id + "/state.json"))
                      .extract<Poco::JSON::Object::Ptr>();
    return record->optValue<std::string>("cgroup", "");
  }

  std::string Counter() { return ReadFileText(Out() + "/counter"); }

  // Polls (bounded) until the counter differs from BEFORE.
  bool CounterMovesFrom(const std::string& before) {
    for (int i = 0; i < 500; ++i) {
      if (Counter() != before) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
};

TEST_P(PausePs, PsListsInitAndAnExecdSleeper) {
  StartContainer("echo started > /out/started; exec sleep 1000", false);
  std::string log = dir_.path() + "/exec.log";
  std::string pid_file = Out() + "/sleeper.pid";
  std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$@\" </dev/null >\"$0\" 2>&1", log};
  for (auto& a : Argv({"exec", "-d", "--pid-file", pid_file, "c1", "sleep", "1000"})) {
    argv.push_back(a);
  }
  ASSERT_EQ(RunCommand(argv).exit_code, 0) << ReadFileText(log);
  int sleeper = std::stoi(ReadFileText(pid_file));
  int init = State("c1")->getValue<int>("pid");

  auto json = Cli({"ps", "--format", "json", "c1"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto pids = Poco::JSON::Parser().parse(json.out).extract<Poco::JSON::Array::Ptr>();
  std::set<int> listed;
  for (size_t i = 0; i < pids->size(); ++i) listed.insert(pids->getElement<int>(i));
  EXPECT_TRUE(listed.count(init)) << json.out;
  EXPECT_TRUE(listed.count(sleeper)) << json.out;
  EXPECT_FALSE(listed.count(getpid())) << "a host process is listed";

  auto table = Cli({"ps", "c1"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("PID"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(" " + std::to_string(sleeper) + " "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("sleep 1000"), std::string::npos) << table.out;
}

TEST_P(PausePs, PsOfAStoppedContainerIsRefused) {
  StartContainer("echo started > /out/started", false);
  ASSERT_EQ(AwaitStatus("c1", "stopped"), "stopped");
  auto result = Cli({"ps", "c1"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("not running"), std::string::npos) << result.err;
}

TEST_P(PausePs, PauseWithoutACgroupIsRefusedClearly) {
  StartContainer(kCounter, false);
  if (!CgroupOf("c1").empty()) GTEST_SKIP() << "this container has a cgroup";
  auto result = Cli({"pause", "c1"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("pause needs a cgroup with a freezer"), std::string::npos)
      << result.err;
  EXPECT_EQ(Status("c1"), "running");
}

TEST_P(PausePs, PauseFreezesTheCounterAndResumeThawsIt) {
  StartContainer(kCounter, true);
  if (CgroupOf("c1").empty()) GTEST_SKIP() << ::snaprun::testing::HostFactSkip("no-delegated-cgroup", "no cgroup this user may write (rlimits instead)");
  ASSERT_TRUE(CounterMovesFrom(""));
  auto paused = Cli({"pause", "c1"});
  ASSERT_EQ(paused.exit_code, 0) << paused.err;
  EXPECT_EQ(Status("c1"), "paused");
  // pause returns once the kernel reports every task frozen, so no wait is needed: the
  // refused exec between the two reads is time a running loop would have counted in.
  std::string first = Counter();
  auto exec = Cli({"exec", "c1", "true"});
  EXPECT_NE(exec.exit_code, 0);
  EXPECT_NE(exec.err.find("it is paused"), std::string::npos) << exec.err;
  EXPECT_EQ(Status("c1"), "paused");
  EXPECT_EQ(Counter(), first) << "the counter advanced while paused";

  auto resumed = Cli({"resume", "c1"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(Status("c1"), "running");
  EXPECT_TRUE(CounterMovesFrom(first));
  EXPECT_NE(Cli({"resume", "c1"}).exit_code, 0) << "resume of a running container";
}

TEST_P(PausePs, KillAndForcedDeleteOfAPausedContainerWork) {
  StartContainer(kCounter, true);
  if (CgroupOf("c1").empty()) GTEST_SKIP() << ::snaprun::testing::HostFactSkip("no-delegated-cgroup", "no cgroup this user may write (rlimits instead)");
  ASSERT_EQ(Cli({"pause", "c1"}).exit_code, 0);
  auto refused = Cli({"delete", "c1"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("paused"), std::string::npos) << refused.err;
  auto killed = Cli({"kill", "c1", "KILL"});
  ASSERT_EQ(killed.exit_code, 0) << killed.err;
  EXPECT_EQ(AwaitStatus("c1", "stopped"), "stopped");
  ASSERT_EQ(Cli({"delete", "c1"}).exit_code, 0);

  StartContainer(kCounter, true);
  ASSERT_EQ(Cli({"pause", "c1"}).exit_code, 0);
  auto forced = Cli({"delete", "--force", "c1"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(Cli({"state", "c1"}).exit_code, 0);
}

SNAPRUN_INSTANTIATE_MODES(PausePs);

TEST(Features, JsonListsNamespacesCapabilitiesAndSeccomp) {
  auto result = RunCommand({BinaryPath("snaprun-sandbox"), "features"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto features = Poco::JSON::Parser().parse(result.out).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(features->getValue<std::string>("ociVersionMin"), "1.0.0");
  EXPECT_TRUE(features->has("ociVersionMax"));
  auto linux_features = features->getObject("linux");
  ASSERT_TRUE(linux_features);
  auto contains = [](const Poco::JSON::Array::Ptr& array, const std::string& value) {
    for (size_t i = 0; array && i < array->size(); ++i) {
      if (array->getElement<std::string>(i) == value) return true;
    }
    return false;
  };
  for (const char* ns : {"user", "mount", "pid", "network", "ipc", "uts", "cgroup"}) {
    EXPECT_TRUE(contains(linux_features->getArray("namespaces"), ns)) << ns;
  }
  auto caps = linux_features->getArray("capabilities");
  EXPECT_TRUE(contains(caps, "CAP_CHOWN"));
  EXPECT_TRUE(contains(caps, "CAP_SYS_ADMIN"));
  EXPECT_GE(caps->size(), 38u);
  auto seccomp = linux_features->getObject("seccomp");
  ASSERT_TRUE(seccomp);
  EXPECT_TRUE(seccomp->getValue<bool>("enabled"));
  EXPECT_TRUE(contains(seccomp->getArray("actions"), "SCMP_ACT_ERRNO"));
  EXPECT_TRUE(contains(seccomp->getArray("operators"), "SCMP_CMP_MASKED_EQ"));
  EXPECT_TRUE(contains(seccomp->getArray("archs"), "SCMP_ARCH_X86_64"));
  EXPECT_FALSE(linux_features->getObject("apparmor")->getValue<bool>("enabled"));
  EXPECT_TRUE(contains(features->getArray("mountOptions"), "rbind"));
}

}  // namespace
}  // namespace snaprun::testing
