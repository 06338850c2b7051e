// OCI config features and runc flags through snaprun-sandbox's CLI, rootless and as
// root: linux.sysctl (namespaced keys set inside, others refused by name),
// --preserve-fds and LISTEN_FDS socket activation (exactly those fds pass), --no-pivot
// (a chroot that still cannot reach the host) and the session keyring.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/oci_bundle_test.h"

namespace snaprun::testing {
namespace {

using OciFeatures = OciBundleTest;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Lists which of fds 3-9 the container's shell holds (stat only: opens none itself).
constexpr char kListFds[] =
    "for i in 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$i ] && echo $i; done > /out/fds; ";

class OciFeaturesTest : public OciFeatures {
 protected:
  void WriteSysctl(const std::string& script,
                   const std::vector<std::pair<std::string, std::string>>& sysctls) {
    auto config = DefaultConfig(script);
    Poco::JSON::Object::Ptr sysctl = new Poco::JSON::Object;
    for (const auto& [key, value] : sysctls) sysctl->set(key, value);
    config->getObject("linux")->set("sysctl", sysctl);
    WriteConfig(config);
  }

  // SETUP (shell) runs as the mode's user right before it execs snaprun-sandbox run
  // with FLAGS; "$F" names a readable file for it to open.
  CommandResult RunAfter(const std::string& setup, const std::vector<std::string>& flags) {
    std::ofstream(Out() + "/passed") << "passed-through\n";
    Chown();
    std::vector<std::string> argv = {"/bin/sh", "-c", "F=\"$0\"; " + setup + " exec \"$@\"",
                                     Out() + "/passed", BinaryPath("snaprun-sandbox"),
                                     "--root", Root(), "run", "--bundle", Bundle()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back("r1");
    return RunCommand(user_ ? AsUser(*user_, argv) : argv);
  }
};

TEST_P(OciFeaturesTest, NamespacedSysctlsAreSetInside) {
  WriteSysctl("cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax > /out/v",
              {{"net.ipv4.ip_forward", "1"}, {"kernel.shmmax", "12345678"}});
  auto ran = Cli({"run", "--bundle", Bundle(), "r1"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ReadText(Out() + "/v"), "1\n12345678\n");
}

TEST_P(OciFeaturesTest, SysctlOutsideTheNamespacesIsRefusedByName) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"kernel.panic", "not namespaced"},
      {"net/../../kernel/panic", "not a sysctl name"},
      {"net.ipv4..ip_forward", "not a sysctl name"},
      {"fs.mqueue/../../kernel.panic", "not a sysctl name"}};
  for (const auto& [key, why] : refused) {
    WriteSysctl("echo ran > /out/ran", {{key, "1"}});
    auto ran = Cli({"run", "--bundle", Bundle(), "r1"});
    EXPECT_NE(ran.exit_code, 0) << key;
    EXPECT_NE(ran.err.find("linux.sysctl." + key), std::string::npos) << ran.err;
    EXPECT_NE(ran.err.find(why), std::string::npos) << ran.err;
    EXPECT_FALSE(std::filesystem::exists(Out() + "/ran")) << key;
  }
}

TEST_P(OciFeaturesTest, NetSysctlNeedsANetworkNamespace) {
  auto config = DefaultConfig("true");
  config->getObject("linux")->set(
      "namespaces", Poco::JSON::Parser().parse(R"([{"type": "pid"}, {"type": "ipc"},
          {"type": "uts"}, {"type": "mount"}, {"type": "user"}])"));
  Poco::JSON::Object::Ptr sysctl = new Poco::JSON::Object;
  sysctl->set("net.ipv4.ip_forward", "1");
  config->getObject("linux")->set("sysctl", sysctl);
  WriteConfig(config);
  auto ran = Cli({"run", "--bundle", Bundle(), "r1"});
  EXPECT_NE(ran.exit_code, 0);
  EXPECT_NE(ran.err.find("needs a network namespace"), std::string::npos) << ran.err;
}

TEST_P(OciFeaturesTest, PreserveFdsPassesExactlyThoseFds) {
  WriteBundle(std::string(kListFds) + "cat <&3 > /out/fd3");
  auto ran = RunAfter("exec 3<\"$F\" 4<\"$F\" 5<\"$F\";", {"--preserve-fds", "1"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ReadText(Out() + "/fds"), "3\n");
  EXPECT_EQ(ReadText(Out() + "/fd3"), "passed-through\n");
}

TEST_P(OciFeaturesTest, CreatePreservesFdsForTheStartedCommand) {
  WriteBundle(std::string(kListFds) + "cat <&3 > /out/fd3");
  std::ofstream(Out() + "/passed") << "passed-through\n";
  Chown();
  // create leaves its stdio with the container: a file, not the capture pipes.
  std::vector<std::string> argv = {
      "/bin/sh", "-c", "exec 3<\"$0\" 4<\"$0\" </dev/null >/dev/null 2>\"$1\"; shift; exec \"$@\"",
      Out() + "/passed", dir_.path() + "/create.err", BinaryPath("snaprun-sandbox"), "--root",
      Root(), "create", "--preserve-fds", "1", "--bundle", Bundle(), "c1"};
  auto created = RunCommand(user_ ? AsUser(*user_, argv) : argv);
  ASSERT_EQ(created.exit_code, 0) << ReadText(dir_.path() + "/create.err");
  auto started = Cli({"start", "c1"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  EXPECT_EQ(AwaitStatus("c1", "stopped"), "stopped");
  EXPECT_EQ(ReadText(Out() + "/fds"), "3\n");
  EXPECT_EQ(ReadText(Out() + "/fd3"), "passed-through\n");
  EXPECT_EQ(Cli({"delete", "c1"}).exit_code, 0);
}

TEST_P(OciFeaturesTest, WithoutPreserveFdsNoFdPasses) {
  WriteBundle(std::string(kListFds) + "true");
  auto ran = RunAfter("exec 3<\"$F\" 4<\"$F\";", {});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ReadText(Out() + "/fds"), "");
}

TEST_P(OciFeaturesTest, PreservingAClosedFdIsRefused) {
  WriteBundle("echo ran > /out/ran");
  auto ran = RunAfter("", {"--preserve-fds", "1"});
  EXPECT_NE(ran.exit_code, 0);
  EXPECT_NE(ran.err.find("--preserve-fds: fd 3 is not open"), std::string::npos) << ran.err;
  EXPECT_FALSE(std::filesystem::exists(Out() + "/ran"));
}

TEST_P(OciFeaturesTest, ListenFdsPassThroughWithTheirEnv) {
  WriteBundle(std::string(kListFds) + "echo \"$LISTEN_FDS $LISTEN_PID\" > /out/env");
  auto ran = RunAfter("exec 3<\"$F\" 4<\"$F\" 5<\"$F\" 6<\"$F\"; LISTEN_PID=$$ LISTEN_FDS=2",
                      {"--preserve-fds", "1"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ReadText(Out() + "/fds"), "3\n4\n5\n") << "two listen fds, then one preserved";
  EXPECT_EQ(ReadText(Out() + "/env"), "2 1\n");
}

TEST_P(OciFeaturesTest, ListenFdsOfAnotherProcessAreIgnored) {
  WriteBundle(std::string(kListFds) + "echo \"${LISTEN_FDS:-unset}\" > /out/env");
  auto ran = RunAfter("exec 3<\"$F\"; LISTEN_PID=1 LISTEN_FDS=1", {});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ReadText(Out() + "/fds"), "");
  EXPECT_EQ(ReadText(Out() + "/env"), "unset\n");
}

TEST_P(OciFeaturesTest, NoPivotRootIsAChrootThatCannotReachTheHost) {
  // Out() exists on the host; inside, neither climbing nor /proc/PID/root may find it
  // (init is not dumpable: the command reads its own root, the same chroot).
  WriteBundle("cd / && cd .. && cd .. && ls > /out/ls; ls /proc/$$/root/ > /out/ls1; "
              "readlink /proc/$$/root > /out/root1; "
              "if [ -e " + Out() + " ] || [ -e /proc/$$/root" + Out() + " ]; then "
              "echo reachable > /out/leak; fi");
  auto ran = Cli({"run", "--no-pivot", "--bundle", Bundle(), "r1"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  std::set<std::string> rootfs;
  for (const auto& e : std::filesystem::directory_iterator(RootfsPath())) {
    rootfs.insert(e.path().filename());
  }
  std::set<std::string> seen;
  std::istringstream ls(ReadText(Out() + "/ls"));
  for (std::string name; std::getline(ls, name);) seen.insert(name);
  EXPECT_EQ(seen, rootfs) << "cd .. from / left the root";
  EXPECT_EQ(ReadText(Out() + "/ls1"), ReadText(Out() + "/ls"));
  EXPECT_EQ(ReadText(Out() + "/root1"), "/\n");
  EXPECT_FALSE(std::filesystem::exists(Out() + "/leak"));
}

// The caller's session keyring (named, readable only by its possessors) is the
// container's only with --no-new-keyring; by default init joins a fresh "_ses" one.
TEST_P(OciFeaturesTest, SessionKeyringIsNewUnlessNoNewKeyring) {
  if (RunCommand({"keyctl", "--version"}).exit_code != 0) {
    GTEST_SKIP() << "keyctl (keyutils) is not installed: scripts/setup-deps.sh";
  }
  WriteBundle("cat /proc/keys > /out/keys");
  for (bool keep : {false, true}) {
    std::vector<std::string> argv = {
        "keyctl", "session", "snaprun-keyring-test", "/bin/sh", "-c",
        "keyctl setperm @s 0x3f000000 >/dev/null && exec \"$@\"", "sh",
        BinaryPath("snaprun-sandbox"), "--root", Root(), "run", "--bundle", Bundle()};
    if (keep) argv.push_back("--no-new-keyring");
    argv.push_back("r1");
    auto ran = RunCommand(user_ ? AsUser(*user_, argv) : argv);
    if (ran.exit_code != 0 && ran.err.find("keyctl") != std::string::npos &&
        ran.err.find("snaprun-sandbox") == std::string::npos) {
      GTEST_SKIP() << "no session keyring here: " << ran.err;
    }
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
    std::string keys = ReadText(Out() + "/keys");
    if (keep) {
      EXPECT_NE(keys.find("snaprun-keyring-test"), std::string::npos) << keys;
    } else {
      EXPECT_EQ(keys.find("snaprun-keyring-test"), std::string::npos) << keys;
      EXPECT_NE(keys.find(" _ses: "), std::string::npos) << keys;
    }
  }
}

// A host device requested in linux.devices appears in /dev as that device: bound from
// the host in a user namespace (mknod is refused there), mknod'ed as root without one.
TEST_P(OciFeaturesTest, RequestedDeviceAppearsInDev) {
  const std::string host = access("/dev/fuse", F_OK) == 0 ? "/dev/fuse" : "/dev/net/tun";
  struct stat st {};
  if (stat(host.c_str(), &st) != 0) GTEST_SKIP() << "neither /dev/fuse nor /dev/net/tun here";
  for (bool user_ns : {true, false}) {
    if (!user_ns && GetParam() != Mode::kRoot) continue;  // rootless needs its user namespace
    auto config = DefaultConfig("stat -c '%F %t:%T %a' " + host + " > /out/dev");
    auto linux_section = config->getObject("linux");
    Poco::JSON::Object::Ptr device = new Poco::JSON::Object;
    device->set("path", host);
    device->set("type", "c");
    device->set("major", static_cast<int>(major(st.st_rdev)));
    device->set("minor", static_cast<int>(minor(st.st_rdev)));
    device->set("fileMode", 0640);
    Poco::JSON::Array::Ptr devices = new Poco::JSON::Array;
    devices->add(device);
    linux_section->set("devices", devices);
    if (!user_ns) {
      linux_section->set("namespaces", Poco::JSON::Parser().parse(R"([{"type": "pid"},
          {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}])"));
    }
    WriteConfig(config);
    std::filesystem::remove(Out() + "/dev");
    auto ran = Cli({"run", "--bundle", Bundle(), "r1"});
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
    char node[64];
    snprintf(node, sizeof node, "character special file %x:%x", major(st.st_rdev),
             minor(st.st_rdev));
    // mknod'ed, the node has the configured mode; bound, it keeps the host's.
    std::string mode = user_ns ? "" : " 640";
    std::string seen = ReadText(Out() + "/dev");
    if (user_ns) {
      EXPECT_EQ(seen.substr(0, seen.rfind(' ')), node);
    } else {
      EXPECT_EQ(seen, node + mode + "\n");
    }
  }
}

TEST_P(OciFeaturesTest, AllowRuleBeyondDevIsRefused) {
  auto config = DefaultConfig("echo ran > /out/ran");
  Poco::JSON::Object::Ptr resources = new Poco::JSON::Object;
  resources->set("devices", Poco::JSON::Parser().parse(R"([{"allow": false, "access": "rwm"},
      {"allow": true, "type": "b", "major": 8, "minor": 0, "access": "rwm"}])"));
  config->getObject("linux")->set("resources", resources);
  WriteConfig(config);
  auto ran = Cli({"run", "--bundle", Bundle(), "r1"});
  EXPECT_NE(ran.exit_code, 0);
  EXPECT_NE(ran.err.find("linux.resources.devices[1]: allows b 8:0"), std::string::npos) << ran.err;
  EXPECT_FALSE(std::filesystem::exists(Out() + "/ran"));
}

SNAPRUN_INSTANTIATE_MODES(OciFeaturesTest);

}  // namespace
}  // namespace snaprun::testing
