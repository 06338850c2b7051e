// process.terminal and --console-socket, driven as containerd and podman drive runc:
// the driver listens on a unix socket, the runtime sends the pty master over it, and
// the driver talks to the container's command through that master. Rootless (as the
// unprivileged test user) and as root.
#include <unistd.h>

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <future>

#include <gtest/gtest.h>

#include "tests/support/console_socket.h"
#include "tests/support/oci_bundle_test.h"

namespace snaprun::testing {
namespace {

class Terminal : public OciBundleTest {
 protected:
  void WriteTerminalBundle(const std::string& script) {
    auto config = DefaultConfig(script);
    config->getObject("process")->set("terminal", true);
    WriteConfig(config);
  }
  std::string SocketPath() const { return dir_.path() + "/console.sock"; }
};

// What the command reports about its stdio: the pty's name inside the container, whether
// it is a terminal, and the line it reads back.
constexpr char kTerminalProbe[] =
    "echo tty=$(tty); [ -t 0 ] && [ -t 1 ] && echo stdio-is-tty; "
    "echo sid=$(cut -d' ' -f6 /proc/self/stat) pid=$$; read line; echo got:$line";

TEST_P(Terminal, CreateSendsTheMasterAndTheCommandTalksThroughIt) {
  WriteTerminalBundle(kTerminalProbe);
  ConsoleSocket console(SocketPath(), user_);
  auto created = Create("c1", {"--console-socket", SocketPath()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  UniqueFd master = console.ReceiveMaster();
  ASSERT_TRUE(master) << "no pty master arrived on the console socket";
  ASSERT_EQ(Cli({"start", "c1"}).exit_code, 0);
  std::string before = ReadTerminalUntil(master.get(), "pid=");
  // The container's own devpts: its first pty, whatever the host has open.
  EXPECT_NE(before.find("tty=/dev/pts/0"), std::string::npos) << before;
  EXPECT_NE(before.find("stdio-is-tty"), std::string::npos) << before;
  WriteTerminal(master.get(), "hello\n");
  std::string after = ReadTerminalUntil(master.get(), "got:hello");
  EXPECT_NE(after.find("got:hello"), std::string::npos) << before << after;
  EXPECT_EQ(AwaitStatus("c1", "stopped"), "stopped");
}

TEST_P(Terminal, TheCommandLeadsItsOwnSessionOnThePty) {
  WriteTerminalBundle("echo sid=$(cut -d' ' -f6 /proc/self/stat) pid=$$ end");
  ConsoleSocket console(SocketPath(), user_);
  ASSERT_EQ(Create("c1", {"--console-socket", SocketPath()}).exit_code, 0);
  UniqueFd master = console.ReceiveMaster();
  ASSERT_TRUE(master);
  ASSERT_EQ(Cli({"start", "c1"}).exit_code, 0);
  std::string out = ReadTerminalUntil(master.get(), " end");
  // A shell run with -c execs in place, so $$ is the process AttachTerminal made a
  // session leader: its session id is its own pid.
  auto sid_at = out.find("sid=");
  auto pid_at = out.find(" pid=");
  ASSERT_NE(sid_at, std::string::npos) << out;
  ASSERT_NE(pid_at, std::string::npos) << out;
  std::string sid = out.substr(sid_at + 4, pid_at - sid_at - 4);
  std::string pid = out.substr(pid_at + 5, out.find(" end") - pid_at - 5);
  EXPECT_EQ(sid, pid) << out;
}

TEST_P(Terminal, RunSendsTheMasterAndReturnsTheCommandsStatus) {
  WriteTerminalBundle("read line; echo got:$line; exit 7");
  ConsoleSocket console(SocketPath(), user_);
  auto run = std::async(std::launch::async, [&] {
    return RunCommand(Argv({"run", "--bundle", Bundle(), "--console-socket", SocketPath(), "t"}));
  });
  UniqueFd master = console.ReceiveMaster();
  ASSERT_TRUE(master) << "no pty master arrived";
  WriteTerminal(master.get(), "over the pty\n");
  std::string out = ReadTerminalUntil(master.get(), "got:over the pty");
  EXPECT_NE(out.find("got:over the pty"), std::string::npos) << out;
  auto result = run.get();
  EXPECT_EQ(result.exit_code, 7) << result.err;
}

TEST_P(Terminal, CreateWithATerminalButNoConsoleSocketIsRefusedAndLeavesNothing) {
  WriteTerminalBundle("echo never");
  auto created = Create("c1");
  EXPECT_NE(created.exit_code, 0);
  EXPECT_NE(created.err.find("--console-socket"), std::string::npos) << created.err;
  EXPECT_FALSE(std::filesystem::exists(Root() + "/c1"));
}

TEST_P(Terminal, RunWithoutAConsoleSocketRelaysThePtyToItsOwnStdio) {
  WriteTerminalBundle("read line; echo got:$line; echo tty=$(tty); exit 5");
  auto run = RunCommand(Argv({"run", "--bundle", Bundle(), "t"}), "typed\n");
  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_NE(run.out.find("got:typed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("tty=/dev/pts/0"), std::string::npos) << run.out;
}

TEST_P(Terminal, AConsoleSocketWithoutATerminalIsRefused) {
  WriteBundle("echo never");
  auto created = Create("c1", {"--console-socket", SocketPath()});
  EXPECT_NE(created.exit_code, 0);
  EXPECT_NE(created.err.find("process.terminal is false"), std::string::npos) << created.err;
  EXPECT_FALSE(std::filesystem::exists(Root() + "/c1"));
}

TEST_P(Terminal, AnUnreachableConsoleSocketFailsCreateAndLeavesNothing) {
  WriteTerminalBundle("echo never");
  auto created = Create("c1", {"--console-socket", dir_.path() + "/nobody-listens.sock"});
  EXPECT_NE(created.exit_code, 0);
  EXPECT_NE(created.err.find("console socket"), std::string::npos) << created.err;
  EXPECT_FALSE(std::filesystem::exists(Root() + "/c1"));
  EXPECT_EQ(Cli({"list", "--format", "json"}).out.find("c1"), std::string::npos);
}

SNAPRUN_INSTANTIATE_MODES(Terminal);

}  // namespace
}  // namespace snaprun::testing
