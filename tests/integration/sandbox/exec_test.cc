// `snaprun-sandbox exec` through its CLI on a busybox rootfs, rootless (as the test user)
// and as root: what the new process sees (pid 1, hostname, user, cwd, env), what it
// cannot reach (host pids, host fds, the read-only root), how its status comes back,
// --detach with --pid-file, --process JSON, and that it dies with the container.
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/console_socket.h"
#include "tests/support/oci_bundle_test.h"
#include "tests/support/host_facts.h"

namespace snaprun::testing {
namespace {

constexpr char kLongRunning[] = "echo started > /out/started; exec sleep 1000";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Gone, or a zombie nobody has reaped yet: either way no longer running.
bool Dead(pid_t pid) {
  std::string stat = ReadFileText("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return true;
  size_t close = stat.rfind(')');
  return close != std::string::npos && stat.substr(close + 2, 1) == "Z";
}

class Exec : public OciBundleTest {
 protected:
  // A started container running kLongRunning (or SCRIPT).
  void StartContainer(const std::string& script = kLongRunning) {
    WriteBundle(script);
    auto created = Create("c1");
    ASSERT_EQ(created.exit_code, 0) << created.err;
    auto started = Cli({"start", "c1"});
    ASSERT_EQ(started.exit_code, 0) << started.err;
    ASSERT_TRUE(AwaitFile(Out() + "/started"));
  }

  // exec with a detached process holding our stdio would keep capture pipes open until
  // it exits: its stdio goes to a file instead, returned as err.
  CommandResult Detached(const std::vector<std::string>& args) {
    std::string log = dir_.path() + "/exec.log";
    std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$@\" </dev/null >\"$0\" 2>&1", log};
    for (auto& a : Argv(args)) argv.push_back(a);
    CommandResult result = RunCommand(argv);
    result.err = ReadFileText(log);
    return result;
  }
};

TEST_P(Exec, SeesTheContainersPidOneAndHostname) {
  StartContainer();
  auto result = Cli({"exec", "c1", "sh", "-c", "cat /proc/2/comm; hostname; echo $$"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 3u) << result.out;
  EXPECT_EQ(lines[0], "sleep") << "pid 2 is the container's command";
  EXPECT_EQ(lines[1], "sandbox");
  EXPECT_GT(std::stoi(lines[2]), 2) << "a pid of the container's namespace";
  EXPECT_LT(std::stoi(lines[2]), 100);
}

TEST_P(Exec, RunsInTheGivenCwdWithTheContainersEnvPlusTheGivenOnes) {
  StartContainer();
  auto result = Cli({"exec", "--cwd", "/etc", "-e", "FOO=bar", "-e", "PATH=/bin:/sbin", "c1", "sh",
                     "-c", "pwd; env | sort"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto lines = Lines(result.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "/etc");
  std::set<std::string> env(lines.begin() + 1, lines.end());
  EXPECT_TRUE(env.count("FOO=bar")) << result.out;
  EXPECT_TRUE(env.count("PATH=/bin:/sbin")) << result.out;
  EXPECT_FALSE(env.count("PATH=/bin")) << "-e replaces the container's PATH";
}

TEST_P(Exec, RunsAsTheRequestedUser) {
  if (GetParam() == Mode::kRootless) {
    GTEST_SKIP() << ::snaprun::testing::RootOnlySkip("rootless, only the caller's own id is mapped into the container");
  }
  // Without a user namespace uid 1000 is a real (host) id the kernel accepts.
  auto config = DefaultConfig(kLongRunning);
  auto namespaces = config->getObject("linux")->getArray("namespaces");
  namespaces->remove(namespaces->size() - 1);  // "user", last in the default config
  WriteConfig(config);
  ASSERT_EQ(Create("c1").exit_code, 0);
  ASSERT_EQ(Cli({"start", "c1"}).exit_code, 0);
  auto result = Cli({"exec", "-u", "1000:1001", "--additional-gids", "1002", "c1", "sh", "-c",
                     "id -u; id -g; id -G"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 3u) << result.out;
  EXPECT_EQ(lines[0], "1000");
  EXPECT_EQ(lines[1], "1001");
  EXPECT_EQ(lines[2], "1001 1002");
}

TEST_P(Exec, ExitCodeAndSignalArePropagated) {
  StartContainer();
  EXPECT_EQ(Cli({"exec", "c1", "sh", "-c", "exit 7"}).exit_code, 7);
  EXPECT_EQ(Cli({"exec", "c1", "sh", "-c", "kill -KILL $$"}).exit_code, 128 + SIGKILL);
  auto missing = Cli({"exec", "c1", "/no/such/binary"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("/no/such/binary"), std::string::npos) << missing.err;
}

TEST_P(Exec, DetachWritesThePidFileAndTheProcessDiesWithTheContainer) {
  StartContainer();
  std::string pid_file = Out() + "/exec.pid";
  auto result = Detached({"exec", "--detach", "--pid-file", pid_file, "c1", "sleep", "1000"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  pid_t pid = std::stoi(ReadFileText(pid_file));
  ASSERT_GT(pid, 1);
  EXPECT_EQ(ReadFileText("/proc/" + std::to_string(pid) + "/comm"), "sleep\n");
  ASSERT_EQ(Cli({"kill", "c1", "KILL"}).exit_code, 0);
  EXPECT_EQ(AwaitStatus("c1", "stopped"), "stopped");
  bool dead = false;
  for (int i = 0; i < 500 && !(dead = Dead(pid)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(dead) << "the exec'd process outlived the container's init";
}

TEST_P(Exec, IsRefusedInACreatedOrStoppedContainer) {
  WriteBundle("echo started > /out/started; exit 0");
  ASSERT_EQ(Create("c1").exit_code, 0);
  auto created = Cli({"exec", "c1", "true"});
  EXPECT_NE(created.exit_code, 0);
  EXPECT_NE(created.err.find("it is created, not running"), std::string::npos) << created.err;
  ASSERT_EQ(Cli({"start", "c1"}).exit_code, 0);
  ASSERT_EQ(AwaitStatus("c1", "stopped"), "stopped");
  auto stopped = Cli({"exec", "c1", "true"});
  EXPECT_NE(stopped.exit_code, 0);
  EXPECT_NE(stopped.err.find("it is stopped, not running"), std::string::npos) << stopped.err;
}

TEST_P(Exec, CannotSeeHostPidsOrReachHostFds) {
  StartContainer();
  // The CLI itself gets host fds 7 (a file) and 8 (a directory) to pass on, if it would.
  std::vector<std::string> argv = {"/bin/sh", "-c", "exec 7</etc/hostname 8</; exec \"$@\"", "sh"};
  for (auto& a : Argv({"exec", "c1", "sh", "-c",
                       "for n in $(seq 3 64); do [ -e /proc/$$/fd/$n ] && echo fd $n; done; "
                       "ls /proc | grep -c '^[0-9]'"})) {
    argv.push_back(a);
  }
  auto result = RunCommand(argv);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 1u) << "fds beyond stdio are open:\n" << result.out;
  // init, its command, this shell, ls and grep: nothing of the host's.
  EXPECT_LE(std::stoi(lines[0]), 6) << result.out;
}

TEST_P(Exec, CannotWriteTheReadOnlyRoot) {
  StartContainer();
  auto result = Cli({"exec", "c1", "touch", "/new-file"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("Read-only file system"), std::string::npos) << result.err;
}

TEST_P(Exec, ProcessJsonGivesArgsEnvAndCwdExactly) {
  StartContainer();
  auto run = [&](const std::string& args) {
    std::string process = dir_.path() + "/process.json";
    std::ofstream(process) << R"({"args": )" << args << R"(, "env": ["ONLY=this"], "cwd": "/etc",
      "user": {"uid": 0, "gid": 0}})";
    Chown();
    return Cli({"exec", "--process", process, "c1"});
  };
  auto env = run(R"(["/bin/env"])");
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(env.out, "ONLY=this\n");
  auto pwd = run(R"(["/bin/pwd"])");
  ASSERT_EQ(pwd.exit_code, 0) << pwd.err;
  EXPECT_EQ(pwd.out, "/etc\n");
  auto both = Cli({"exec", "--process", dir_.path() + "/process.json", "c1", "true"});
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("not both"), std::string::npos) << both.err;
}

TEST_P(Exec, ADetachedTtyNeedsAConsoleSocket) {
  StartContainer();
  auto result = Cli({"exec", "-d", "--tty", "c1", "true"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("--detach needs --console-socket"), std::string::npos) << result.err;
}

TEST_P(Exec, TtyWithoutAConsoleSocketIsRelayedToOurStdio) {
  StartContainer();
  auto result = RunCommand(Argv({"exec", "--tty", "c1", "sh", "-c",
                     "[ -t 0 ] && [ -t 1 ] && echo stdio-is-tty; read line; echo got:$line; "
                                 "exit 6"}),
                          "typed\n");
  EXPECT_EQ(result.exit_code, 6) << result.err;
  EXPECT_NE(result.out.find("stdio-is-tty"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("got:typed"), std::string::npos) << result.out;
}

TEST_P(Exec, TtySendsTheMasterOfAPtyInTheContainer) {
  StartContainer();
  std::string socket = dir_.path() + "/console.sock";
  ConsoleSocket console(socket, user_);
  auto result = Detached({"exec", "-d", "-t", "--console-socket", socket, "c1", "sh", "-c",
                          "[ -t 0 ] && [ -t 1 ] && echo stdio-is-tty; echo tty=$(tty); "
                          "read line; echo got:$line"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  UniqueFd master = console.ReceiveMaster();
  ASSERT_TRUE(master) << "no pty master arrived on the console socket";
  std::string before = ReadTerminalUntil(master.get(), "tty=");
  EXPECT_NE(before.find("stdio-is-tty"), std::string::npos) << before;
  WriteTerminal(master.get(), "hello\n");
  std::string after = ReadTerminalUntil(master.get(), "got:hello");
  EXPECT_NE(after.find("got:hello"), std::string::npos) << before << after;
}

SNAPRUN_INSTANTIATE_MODES(Exec);

}  // namespace
}  // namespace snaprun::testing
