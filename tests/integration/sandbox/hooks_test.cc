// OCI hooks through snaprun-sandbox's CLI, rootless and as root: the order of the six
// kinds and the state each reads on stdin (create/start/delete and run), a failing or
// timed-out hook failing create with nothing left behind, and a hook's exact env.
#include <dirent.h>
#include <unistd.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/oci_bundle_test.h"

namespace snaprun::testing {
namespace {

using Hooks = OciBundleTest;

// Appends "KIND STATUS PID" to $LOG from the state JSON on stdin. Runs on the host
// (/bin/sh) and inside the container (busybox sh) alike.
constexpr char kRecorder[] = R"sh(#!/bin/sh
state=$(cat)
status=$(echo "$state" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
pid=$(echo "$state" | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
id=$(echo "$state" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
echo "$1 $status $pid $id" >> "$LOG"
)sh";

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Poco::JSON::Object::Ptr HookObject(const std::string& path, const std::vector<std::string>& args,
                                   const std::vector<std::string>& env, int timeout = 0) {
  Poco::JSON::Object::Ptr hook = new Poco::JSON::Object;
  hook->set("path", path);
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& s : args) a->add(s);
  hook->set("args", a);
  Poco::JSON::Array::Ptr e = new Poco::JSON::Array;
  for (const auto& s : env) e->add(s);
  hook->set("env", e);
  if (timeout > 0) hook->set("timeout", timeout);
  return hook;
}

void AddHook(Poco::JSON::Object::Ptr config, const std::string& kind,
             const Poco::JSON::Object::Ptr& hook) {
  if (!config->has("hooks")) config->set("hooks", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
  auto hooks = config->getObject("hooks");
  if (!hooks->has(kind)) hooks->set(kind, Poco::JSON::Array::Ptr(new Poco::JSON::Array));
  hooks->getArray(kind)->add(hook);
}

// Whether a process with exactly ARGV (NUL-separated cmdline) is alive.
bool ProcessWithArgv(const std::string& joined) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadText(entry.path().string() + "/cmdline");
    if (cmdline == joined) return true;
  }
  return false;
}

class HooksTest : public Hooks {
 protected:
  // The recorder in out/ (seen as /out inside), every kind logging to out/hooks.log.
  Poco::JSON::Object::Ptr ConfigWithAllHooks(const std::string& script) {
    std::ofstream(Out() + "/record.sh") << kRecorder;
    std::filesystem::permissions(Out() + "/record.sh", std::filesystem::perms(0755));
    auto config = DefaultConfig(script);
    const std::string host_log = "LOG=" + Out() + "/hooks.log";
    const std::vector<std::string> path = {"PATH=/bin:/usr/bin"};
    auto host = [&](const std::string& kind) {
      AddHook(config, kind, HookObject(Out() + "/record.sh", {"record.sh", kind},
                                       {host_log, path[0]}, 30));
    };
    host("prestart");
    host("createRuntime");
    host("createContainer");
    // Resolved inside the container: its /out is out/.
    AddHook(config, "startContainer",
            HookObject("/out/record.sh", {"record.sh", "startContainer"},
                       {"LOG=/out/hooks.log", "PATH=/bin"}, 30));
    host("poststart");
    host("poststop");
    return config;
  }

  // Lines of hooks.log, each "KIND STATUS PID ID".
  std::vector<std::vector<std::string>> HookLog() {
    std::vector<std::vector<std::string>> lines;
    std::istringstream in(ReadText(Out() + "/hooks.log"));
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::vector<std::string> fields;
      for (std::string w; words >> w;) fields.push_back(w);
      lines.push_back(fields);
    }
    return lines;
  }

  void ExpectSequence(const std::string& id, const std::string& pid) {
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"prestart", "creating"},        {"createRuntime", "creating"},
        {"createContainer", "creating"}, {"startContainer", "created"},
        {"poststart", "running"},        {"poststop", "stopped"}};
    auto log = HookLog();
    ASSERT_EQ(log.size(), expected.size()) << ReadText(Out() + "/hooks.log");
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(log[i].size(), 4u) << i;
      EXPECT_EQ(log[i][0], expected[i].first);
      EXPECT_EQ(log[i][1], expected[i].second) << expected[i].first;
      EXPECT_EQ(log[i][2], pid) << expected[i].first;
      EXPECT_EQ(log[i][3], id) << expected[i].first;
    }
  }
};

TEST_P(HooksTest, RunInLifecycleOrderWithTheStateOfEachPoint) {
  WriteConfig(ConfigWithAllHooks("echo ran > /out/ran; exec sleep 1000"));
  auto created = Create("c1");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string pid = std::to_string(State("c1")->getValue<int>("pid"));
  EXPECT_EQ(HookLog().size(), 3u) << "create runs prestart, createRuntime, createContainer";
  auto started = Cli({"start", "c1"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  ASSERT_TRUE(AwaitFile(Out() + "/ran"));
  ASSERT_EQ(Cli({"kill", "c1", "KILL"}).exit_code, 0);
  EXPECT_EQ(AwaitStatus("c1", "stopped"), "stopped");
  auto deleted = Cli({"delete", "c1"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  ExpectSequence("c1", pid);
}

TEST_P(HooksTest, RunRunsEveryKindAroundTheCommand) {
  WriteConfig(ConfigWithAllHooks("echo ran > /out/ran"));
  auto ran = Cli({"run", "--bundle", Bundle(), "r1"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(std::filesystem::exists(Out() + "/ran"));
  auto log = HookLog();
  ASSERT_FALSE(log.empty());
  ASSERT_EQ(log[0].size(), 4u);
  EXPECT_NE(log[0][2], "");
  ExpectSequence("r1", log[0][2]);
}

// With a terminal the pty is handed on (here: relayed to run's own stdio) between create
// and start, and every hook still runs in its place.
TEST_P(HooksTest, RunWithATerminalRunsEveryKindToo) {
  auto config = ConfigWithAllHooks("read line; echo got:$line > /out/ran");
  config->getObject("process")->set("terminal", true);
  WriteConfig(config);
  auto ran = RunCommand(Argv({"run", "--bundle", Bundle(), "r1"}), "typed\n");
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ReadText(Out() + "/ran"), "got:typed\n");
  auto log = HookLog();
  ASSERT_FALSE(log.empty());
  ASSERT_EQ(log[0].size(), 4u);
  ExpectSequence("r1", log[0][2]);
}

TEST_P(HooksTest, FailingHookFailsCreateWithItsStderrAndLeavesNoContainer) {
  auto config = DefaultConfig("echo ran > /out/ran");
  AddHook(config, "createContainer",
          HookObject("/bin/sh", {"sh", "-c", "echo hook-is-broken >&2; exit 3"}, {}));
  WriteConfig(config);
  auto created = Create("c1");
  EXPECT_NE(created.exit_code, 0);
  EXPECT_NE(created.err.find("createContainer hook 0 (/bin/sh) exited with status 3: "
                             "hook-is-broken"),
            std::string::npos)
      << created.err;
  auto list = Cli({"list", "--format", "json"});
  EXPECT_EQ(list.out, "[]\n") << list.err;
  EXPECT_FALSE(std::filesystem::exists(Out() + "/ran"));
}

TEST_P(HooksTest, FailingStartContainerHookFailsStartBeforeTheCommand) {
  auto config = DefaultConfig("echo ran > /out/ran");
  AddHook(config, "startContainer", HookObject("/bin/false", {"false"}, {}));
  WriteConfig(config);
  ASSERT_EQ(Create("c1").exit_code, 0);
  auto started = Cli({"start", "c1"});
  EXPECT_NE(started.exit_code, 0);
  EXPECT_NE(started.err.find("startContainer hook 0 (/bin/false) exited with status 1"),
            std::string::npos)
      << started.err;
  EXPECT_EQ(AwaitStatus("c1", "stopped"), "stopped");
  EXPECT_FALSE(std::filesystem::exists(Out() + "/ran"));
}

TEST_P(HooksTest, TimedOutHookIsKilledAndCreateLeavesNothing) {
  for (const std::string kind : {"createRuntime", "createContainer"}) {
    // A distinct argument so the check below finds exactly this hook's process (ctest runs
    // the Root and Rootless variants side by side: the pid tells them apart).
    const std::string seconds =
        std::to_string(getpid()) + (kind == "createRuntime" ? "1" : "2");
    auto config = DefaultConfig("echo ran > /out/ran");
    AddHook(config, kind, HookObject("/bin/sleep", {"sleep", seconds}, {}, 1));
    WriteConfig(config);
    auto created = Create("c1");
    EXPECT_NE(created.exit_code, 0) << kind;
    EXPECT_NE(created.err.find(kind + " hook 0 (/bin/sleep) timed out after 1s"),
              std::string::npos)
        << created.err;
    EXPECT_EQ(Cli({"list", "--format", "json"}).out, "[]\n") << kind;
    EXPECT_FALSE(ProcessWithArgv(std::string("sleep\0", 6) + seconds + std::string(1, '\0')))
        << kind << ": the hook outlived its timeout";
    EXPECT_FALSE(std::filesystem::exists(Out() + "/ran"));
  }
}

TEST_P(HooksTest, HookSeesExactlyItsEnv) {
  auto config = DefaultConfig("true");
  AddHook(config, "poststart", HookObject("/usr/bin/env", {"env"}, {"ONE=1", "TWO=two words"}));
  WriteConfig(config);
  auto ran = Cli({"run", "--bundle", Bundle(), "r1"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "ONE=1\nTWO=two words\n");
}

// OCI: a failing poststart or poststop hook is logged as a warning and changes nothing
// else. containerd's shim reads --log, so the warning must be there, in its format.
TEST_P(HooksTest, FailingPoststartAndPoststopHooksAreWarningsInTheLog) {
  auto config = DefaultConfig("echo ran > /out/ran");
  AddHook(config, "poststart", HookObject("/bin/sh", {"sh", "-c", "exit 4"}, {}));
  AddHook(config, "poststop", HookObject("/bin/sh", {"sh", "-c", "exit 5"}, {}));
  WriteConfig(config);
  std::string json_log = dir_.path() + "/json.log";
  auto ran = Cli({"--log", json_log, "--log-format", "json", "run", "--bundle", Bundle(), "r1"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(std::filesystem::exists(Out() + "/ran"));
  std::vector<std::string> warnings;
  std::istringstream lines(ReadText(json_log));
  for (std::string line; std::getline(lines, line);) {
    auto entry = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(entry->getValue<std::string>("level"), "warning") << line;
    warnings.push_back(entry->getValue<std::string>("msg"));
  }
  ASSERT_EQ(warnings.size(), 2u) << ReadText(json_log);
  EXPECT_NE(warnings[0].find("poststart hook 0 (/bin/sh) exited with status 4"),
            std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[1].find("poststop hook 0 (/bin/sh) exited with status 5"),
            std::string::npos)
      << warnings[1];

  // create/start/delete: the container's monitor reports poststart, delete poststop, each
  // once in a text log (the monitor's stderr is that log too).
  std::string text_log = dir_.path() + "/text.log";
  ASSERT_EQ(Create("c1", {}, {"--log", text_log}).exit_code, 0);
  ASSERT_EQ(Cli({"--log", text_log, "start", "c1"}).exit_code, 0);
  ASSERT_EQ(AwaitStatus("c1", "stopped"), "stopped");
  auto deleted = Cli({"--log", text_log, "delete", "c1"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_NE(deleted.err.find("warning: poststop hook 0"), std::string::npos) << deleted.err;
  std::string text = ReadText(text_log);
  for (const std::string kind : {"poststart", "poststop"}) {
    EXPECT_NE(text.find(" warning " + kind + " hook 0"), std::string::npos) << text;
    auto first = text.find(kind + " hook 0");
    EXPECT_EQ(text.find(kind + " hook 0", first + 1), std::string::npos)
        << "logged twice: " << text;
  }
}

TEST_P(HooksTest, UnknownHookKeyIsRefusedWithItsPath) {
  auto config = DefaultConfig("true");
  auto hook = HookObject("/bin/true", {"true"}, {});
  hook->set("when", "later");
  AddHook(config, "poststop", hook);
  WriteConfig(config);
  auto ran = Cli({"run", "--bundle", Bundle(), "r1"});
  EXPECT_NE(ran.exit_code, 0);
  EXPECT_NE(ran.err.find("hooks.poststop[0].when"), std::string::npos) << ran.err;
}

SNAPRUN_INSTANTIATE_MODES(HooksTest);

}  // namespace
}  // namespace snaprun::testing
