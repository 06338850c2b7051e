// snaprun-sandbox's runc-style lifecycle through its CLI on a busybox rootfs,
// rootless (as the unprivileged test user) and as root: create, start, state, kill,
// delete, list, and what happens when the monitor is killed.
#include <signal.h>
#include <unistd.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/oci_bundle_test.h"

namespace snaprun::testing {
namespace {

using Lifecycle = OciBundleTest;

constexpr char kLongRunning[] = "echo started > /out/started; exec sleep 1000";

TEST_P(Lifecycle, CreateWaitsUntilStartThenKillStopsAndDeleteRemoves) {
  WriteBundle(kLongRunning);
  auto created = Create("c1");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  auto state = State("c1");
  EXPECT_EQ(state->getValue<std::string>("status"), "created");
  EXPECT_GT(state->getValue<int>("pid"), 0);
  EXPECT_EQ(state->getValue<std::string>("id"), "c1");
  EXPECT_EQ(state->getValue<std::string>("bundle"), Bundle());
  EXPECT_EQ(state->getObject("annotations")->getValue<std::string>("org.example.purpose"),
            "lifecycle test");
  EXPECT_FALSE(std::filesystem::exists(Out() + "/started")) << "the command ran before start";

  auto started = Cli({"start", "c1"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  EXPECT_EQ(Status("c1"), "running");
  EXPECT_TRUE(AwaitFile(Out() + "/started"));

  auto killed = Cli({"kill", "c1", "TERM"});
  ASSERT_EQ(killed.exit_code, 0) << killed.err;
  EXPECT_EQ(AwaitStatus("c1", "stopped"), "stopped");

  auto deleted = Cli({"delete", "c1"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  auto gone = Cli({"state", "c1"});
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_NE(gone.err.find("container c1 does not exist"), std::string::npos) << gone.err;
}

TEST_P(Lifecycle, StartOfAStartedContainerIsRefused) {
  WriteBundle(kLongRunning);
  ASSERT_EQ(Create("c1").exit_code, 0);
  ASSERT_EQ(Cli({"start", "c1"}).exit_code, 0);
  auto again = Cli({"start", "c1"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("not created"), std::string::npos) << again.err;
}

TEST_P(Lifecycle, CreateOfAnExistingIdIsRefused) {
  WriteBundle(kLongRunning);
  ASSERT_EQ(Create("c1").exit_code, 0);
  auto twice = Create("c1");
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_NE(twice.err.find("container c1 already exists"), std::string::npos) << twice.err;
  EXPECT_EQ(Status("c1"), "created");
}

TEST_P(Lifecycle, InvalidIdsAreRefused) {
  WriteBundle(kLongRunning);
  for (const std::string id : {"../escape", "_under", "a/b", ".hidden"}) {
    auto created = Create(id);
    EXPECT_NE(created.exit_code, 0) << id;
    EXPECT_NE(created.err.find("invalid container id"), std::string::npos) << created.err;
  }
}

TEST_P(Lifecycle, DeleteOfARunningContainerNeedsForce) {
  WriteBundle(kLongRunning);
  ASSERT_EQ(Create("c1").exit_code, 0);
  ASSERT_EQ(Cli({"start", "c1"}).exit_code, 0);
  auto refused = Cli({"delete", "c1"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("running"), std::string::npos) << refused.err;
  EXPECT_EQ(Status("c1"), "running");
  auto forced = Cli({"delete", "--force", "c1"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(Cli({"state", "c1"}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(Root() + "/c1"));
}

TEST_P(Lifecycle, KillOfAStoppedContainerFailsButDeleteWorks) {
  WriteBundle("exit 3");
  ASSERT_EQ(Create("c1").exit_code, 0);
  ASSERT_EQ(Cli({"start", "c1"}).exit_code, 0);
  EXPECT_EQ(AwaitStatus("c1", "stopped"), "stopped");
  auto killed = Cli({"kill", "c1", "KILL"});
  EXPECT_NE(killed.exit_code, 0);
  EXPECT_NE(killed.err.find("not running"), std::string::npos) << killed.err;
  auto deleted = Cli({"delete", "c1"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
}

TEST_P(Lifecycle, KillAcceptsSignalNumbersAndRefusesUnknownNames) {
  WriteBundle(kLongRunning);
  ASSERT_EQ(Create("c1").exit_code, 0);
  ASSERT_EQ(Cli({"start", "c1"}).exit_code, 0);
  auto bogus = Cli({"kill", "c1", "NOSUCHSIG"});
  EXPECT_NE(bogus.exit_code, 0);
  EXPECT_NE(bogus.err.find("unknown signal"), std::string::npos) << bogus.err;
  EXPECT_EQ(Status("c1"), "running");
  auto killed = Cli({"kill", "c1", "9"});
  ASSERT_EQ(killed.exit_code, 0) << killed.err;
  EXPECT_EQ(AwaitStatus("c1", "stopped"), "stopped");
}

TEST_P(Lifecycle, ConcurrentDeletesOfOneIdExactlyOneSucceeds) {
  WriteBundle(kLongRunning);
  ASSERT_EQ(Create("c1").exit_code, 0);
  auto first = std::async(std::launch::async, [&] { return Cli({"delete", "--force", "c1"}); });
  auto second = std::async(std::launch::async, [&] { return Cli({"delete", "--force", "c1"}); });
  CommandResult a = first.get();
  CommandResult b = second.get();
  EXPECT_EQ((a.exit_code == 0) + (b.exit_code == 0), 1) << a.err << b.err;
  const CommandResult& loser = a.exit_code == 0 ? b : a;
  EXPECT_NE(loser.err.find("does not exist"), std::string::npos) << loser.err;
}

TEST_P(Lifecycle, ListShowsEveryContainer) {
  WriteBundle(kLongRunning);
  ASSERT_EQ(Create("a").exit_code, 0);
  ASSERT_EQ(Create("b").exit_code, 0);
  ASSERT_EQ(Cli({"start", "b"}).exit_code, 0);
  auto table = Cli({"list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("ID"), std::string::npos);
  EXPECT_NE(table.out.find("created"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("running"), std::string::npos) << table.out;
  auto json = Cli({"list", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto array = Poco::JSON::Parser().parse(json.out).extract<Poco::JSON::Array::Ptr>();
  ASSERT_EQ(array->size(), 2u);
  EXPECT_EQ(array->getObject(0)->getValue<std::string>("id"), "a");
  EXPECT_EQ(array->getObject(1)->getValue<std::string>("status"), "running");
}

TEST_P(Lifecycle, AContainerWhoseMonitorDiedIsStoppedAndDeletable) {
  WriteBundle(kLongRunning);
  ASSERT_EQ(Create("c1").exit_code, 0);
  ASSERT_EQ(Cli({"start", "c1"}).exit_code, 0);
  std::ifstream in(Root() + "/c1/state.json");
  auto record = Poco::JSON::Parser().parse(in).extract<Poco::JSON::Object::Ptr>();
  pid_t monitor = record->getValue<int>("monitorPid");
  ASSERT_GT(monitor, 1);
  ASSERT_EQ(kill(monitor, SIGKILL), 0);
  EXPECT_EQ(AwaitStatus("c1", "stopped"), "stopped");
  auto forced = Cli({"delete", "--force", "c1"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_FALSE(std::filesystem::exists(Root() + "/c1"));
}

TEST_P(Lifecycle, RuncDriverFlagsAreAccepted) {
  WriteBundle(kLongRunning);
  auto result = Cli({"--log", dir_.path() + "/log", "--log-format", "json", "--systemd-cgroup",
                     "list"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  auto version = Cli({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find("snaprun-sandbox version "), std::string::npos) << version.out;
}

// containerd's shim and podman read --log for why a verb failed; with json each line is
// runc's {"level", "msg", "time"}.
TEST_P(Lifecycle, ErrorsReachTheLogInTheChosenFormat) {
  std::string json_log = dir_.path() + "/json.log";
  auto failed = Cli({"--log", json_log, "--log-format", "json", "start", "nope"});
  EXPECT_NE(failed.exit_code, 0);
  std::ifstream json_in(json_log);
  std::string line;
  ASSERT_TRUE(std::getline(json_in, line)) << "nothing logged";
  auto entry = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(entry->getValue<std::string>("level"), "error");
  EXPECT_NE(entry->getValue<std::string>("msg").find("container nope does not exist"),
            std::string::npos)
      << line;
  EXPECT_FALSE(entry->getValue<std::string>("time").empty());

  std::string text_log = dir_.path() + "/text.log";
  auto config = DefaultConfig("exit 0");
  config->set("ociVersion", "2.0.0");
  WriteConfig(config);
  auto refused = Cli({"--log", text_log, "create", "--bundle", Bundle(), "c2"});
  EXPECT_NE(refused.exit_code, 0);
  std::ifstream text_in(text_log);
  std::stringstream text;
  text << text_in.rdbuf();
  EXPECT_NE(text.str().find(" error "), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("unsupported version 2.0.0"), std::string::npos) << text.str();
}

SNAPRUN_INSTANTIATE_MODES(Lifecycle);

}  // namespace
}  // namespace snaprun::testing
