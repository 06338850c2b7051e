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

#include "tests/support/process.h"

namespace snaprun::testing {
namespace {

enum class Mode { kRootless, kRoot };

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

class Lifecycle : public ::testing::TestWithParam<Mode> {
 protected:
  static void SetUpTestSuite() {
    rootfs_dir_ = new TempDir();
    auto built = RunCommand({SourcePath("images/scripts/build-busybox-rootfs.sh"),
                             rootfs_dir_->path() + "/rootfs"});
    ASSERT_EQ(built.exit_code, 0) << built.err;
    // The bind target: a rootless sandbox cannot create it in a root-owned rootfs.
    std::filesystem::create_directories(rootfs_dir_->path() + "/rootfs/out");
  }
  static void TearDownTestSuite() {
    delete rootfs_dir_;
    rootfs_dir_ = nullptr;
  }

  void SetUp() override {
    if (GetParam() == Mode::kRoot && geteuid() != 0) GTEST_SKIP() << "root mode needs root";
    if (GetParam() == Mode::kRootless) {
      user_ = UnprivilegedUser();
      if (!user_) GTEST_SKIP() << "no unprivileged test user (scripts/test-user.sh)";
      dir_.ChownTo(*user_);
    }
    std::filesystem::create_directories(Out());
    if (user_) dir_.ChownTo(*user_);
  }

  void TearDown() override {
    // Whatever a failed test left running.
    for (const auto& id : {"c1", "c2", "a", "b"}) Cli({"delete", "--force", id});
  }

  std::string Root() const { return dir_.path() + "/state"; }
  std::string Out() const { return dir_.path() + "/out"; }
  std::string Bundle() const { return dir_.path() + "/bundle"; }

  void WriteBundle(const std::string& script) {
    std::filesystem::create_directories(Bundle());
    std::ofstream(Bundle() + "/config.json") << R"({
  "ociVersion": "1.0.2",
  "process": {"args": ["/bin/sh", "-c", )" << Quote(script) << R"(],
    "env": ["PATH=/bin"], "cwd": "/", "noNewPrivileges": true},
  "root": {"path": )" << Quote(rootfs_dir_->path() + "/rootfs") << R"(, "readonly": true},
  "hostname": "sandbox",
  "annotations": {"org.example.purpose": "lifecycle test"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/out", "type": "bind", "source": )" << Quote(Out()) << R"(,
     "options": ["rbind", "rw"]}],
  "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
      {"type": "uts"}, {"type": "mount"}, {"type": "user"}]}
})";
    if (user_) dir_.ChownTo(*user_);
  }

  std::vector<std::string> Argv(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {BinaryPath("snaprun-sandbox"), "--root", Root()};
    argv.insert(argv.end(), args.begin(), args.end());
    return user_ ? AsUser(*user_, argv) : argv;
  }

  CommandResult Cli(const std::vector<std::string>& args) { return RunCommand(Argv(args)); }

  // create leaves the container holding its caller's stdio, so the capture pipes
  // would stay open: its output goes to a file instead.
  CommandResult Create(const std::string& id) {
    std::string log = dir_.path() + "/create.log";
    std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$@\" </dev/null >\"$0\" 2>&1", log};
    for (auto& a : Argv({"create", "--bundle", Bundle(), id})) argv.push_back(a);
    CommandResult result = RunCommand(argv);
    std::ifstream in(log);
    std::stringstream s;
    s << in.rdbuf();
    result.err = s.str();
    return result;
  }

  Poco::JSON::Object::Ptr State(const std::string& id) {
    auto result = Cli({"state", id});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    if (result.exit_code != 0) return new Poco::JSON::Object;
    return Poco::JSON::Parser().parse(result.out).extract<Poco::JSON::Object::Ptr>();
  }

  std::string Status(const std::string& id) { return State(id)->optValue<std::string>("status", ""); }

  // Polls (bounded) until ID reaches STATUS; returns the last status seen.
  std::string AwaitStatus(const std::string& id, const std::string& status) {
    std::string seen;
    for (int i = 0; i < 500 && (seen = Status(id)) != status; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return seen;
  }

  bool AwaitFile(const std::string& path) {
    for (int i = 0; i < 500 && !std::filesystem::exists(path); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::filesystem::exists(path);
  }

  static TempDir* rootfs_dir_;
  TempDir dir_;
  std::optional<TestUser> user_;
};

TempDir* Lifecycle::rootfs_dir_ = nullptr;

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

INSTANTIATE_TEST_SUITE_P(Modes, Lifecycle, ::testing::Values(Mode::kRootless, Mode::kRoot),
                         [](const auto& param_info) {
                           return param_info.param == Mode::kRootless ? "Rootless" : "Root";
                         });

}  // namespace
}  // namespace snaprun::testing
