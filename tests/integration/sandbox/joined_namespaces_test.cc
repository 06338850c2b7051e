// linux.namespaces[].path: a container joins a pod's network, ipc and uts namespaces, as
// CRI runtimes ask of runc. The pod is a root-made holder process in namespaces of its
// own, its network namespace bind-mounted on a file as `ip netns add` does. As root the
// container lands in them (run, exec, and the hooks back in the runtime's); rootless the
// kernel refuses the join, and the error says why; a path to the wrong kind is refused
// in both modes, with nothing left behind.
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/oci_bundle_test.h"
#include "tests/support/host_facts.h"

namespace snaprun::testing {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::string NamespaceOf(const std::string& ns_path) {
  std::error_code ec;
  return std::filesystem::read_symlink(ns_path, ec).string();
}

class JoinedNamespaces : public OciBundleTest {
 protected:
  void SetUp() override {
    OciBundleTest::SetUp();
    if (IsSkipped()) return;
    if (geteuid() != 0) GTEST_SKIP() << "making the pod's namespaces needs root";
    ready_ = dir_.path() + "/pod-ready";
    holder_ = fork();
    ASSERT_GE(holder_, 0);
    if (holder_ == 0) {
      execl("/usr/bin/unshare", "unshare", "--net", "--ipc", "--uts", "/bin/sh", "-c",
            ("hostname pod-host && : > " + ready_ + " && exec sleep 1000").c_str(), nullptr);
      _exit(127);
    }
    ASSERT_TRUE(AwaitFile(ready_)) << "the pod holder did not start";
    pod_ns_ = "/proc/" + std::to_string(holder_) + "/ns/";
    // The network and uts namespaces on files anyone may open, as /var/run/netns/NAME
    // is; /proc/PID/ns of a root process is closed to the rootless runtime.
    netns_file_ = BindNamespace("net");
    utsns_file_ = BindNamespace("uts");
    Chown();
  }

  void TearDown() override {
    OciBundleTest::TearDown();
    for (const auto& file : mounted_) umount2(file.c_str(), MNT_DETACH);
    if (holder_ > 0) {
      kill(holder_, SIGKILL);
      waitpid(holder_, nullptr, 0);
    }
  }

  std::string BindNamespace(const std::string& name) {
    std::string file = dir_.path() + "/" + name + "-pod";
    std::ofstream(file).close();
    if (mount((pod_ns_ + name).c_str(), file.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      ADD_FAILURE() << "bind " << pod_ns_ << name << ": " << strerror(errno);
    } else {
      mounted_.push_back(file);
    }
    return file;
  }

  // DefaultConfig(SCRIPT) with the pod's network (the file), ipc and uts (its /proc
  // entries) joined instead of created, and no hostname of its own.
  Poco::JSON::Object::Ptr PodConfig(const std::string& script) {
    auto config = DefaultConfig(script);
    config->remove("hostname");
    Poco::JSON::Array::Ptr namespaces = new Poco::JSON::Array;
    for (const char* type : {"pid", "mount", "user"}) {
      Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
      entry->set("type", type);
      namespaces->add(entry);
    }
    for (const auto& [type, path] : std::vector<std::pair<std::string, std::string>>{
             {"network", netns_file_}, {"ipc", pod_ns_ + "ipc"}, {"uts", utsns_file_}}) {
      Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
      entry->set("type", type);
      entry->set("path", path);
      namespaces->add(entry);
    }
    config->getObject("linux")->set("namespaces", namespaces);
    return config;
  }

  bool AsRoot() const { return GetParam() == Mode::kRoot; }

  pid_t holder_ = -1;
  std::vector<std::string> mounted_;
  std::string ready_, pod_ns_, netns_file_, utsns_file_;
};

constexpr char kReportNamespaces[] =
    "readlink /proc/self/ns/net > /out/net; readlink /proc/self/ns/ipc > /out/ipc; "
    "hostname > /out/hostname";

TEST_P(JoinedNamespaces, RunLandsInThePodsNamespacesAndTheHooksDoNot) {
  if (!AsRoot()) GTEST_SKIP() << ::snaprun::testing::RootOnlySkip("rootless joins are refused (RootlessJoinIsRefused…)");
  auto config = PodConfig(kReportNamespaces);
  // poststart runs in the runtime's namespaces: they must be its own again.
  Poco::JSON::Object::Ptr hook = new Poco::JSON::Object;
  hook->set("path", "/bin/sh");
  Poco::JSON::Array::Ptr args = new Poco::JSON::Array;
  for (const std::string& arg : std::vector<std::string>{
           "sh", "-c", "readlink /proc/self/ns/net > " + Out() + "/hook-net"}) {
    args->add(arg);
  }
  hook->set("args", args);
  Poco::JSON::Object::Ptr hooks = new Poco::JSON::Object;
  Poco::JSON::Array::Ptr poststart = new Poco::JSON::Array;
  poststart->add(hook);
  hooks->set("poststart", poststart);
  config->set("hooks", hooks);
  WriteConfig(config);
  auto ran = Cli({"run", "--bundle", Bundle(), "r1"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ReadText(Out() + "/net"), NamespaceOf(pod_ns_ + "net"));
  EXPECT_EQ(ReadText(Out() + "/ipc"), NamespaceOf(pod_ns_ + "ipc"));
  EXPECT_EQ(ReadText(Out() + "/hostname"), "pod-host");
  EXPECT_EQ(ReadText(Out() + "/hook-net"), NamespaceOf("/proc/self/ns/net"));
  EXPECT_NE(NamespaceOf("/proc/self/ns/net"), NamespaceOf(pod_ns_ + "net"));
}

TEST_P(JoinedNamespaces, ExecJoinsThePodsNetworkToo) {
  if (!AsRoot()) GTEST_SKIP() << ::snaprun::testing::RootOnlySkip("rootless joins are refused (RootlessJoinIsRefused…)");
  WriteConfig(PodConfig("echo started > /out/started; exec sleep 1000"));
  auto created = Create("c1");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  ASSERT_EQ(Cli({"start", "c1"}).exit_code, 0);
  ASSERT_TRUE(AwaitFile(Out() + "/started"));
  auto exec = Cli({"exec", "c1", "sh", "-c", "readlink /proc/self/ns/net; hostname"});
  ASSERT_EQ(exec.exit_code, 0) << exec.err;
  EXPECT_EQ(exec.out, NamespaceOf(pod_ns_ + "net") + "\npod-host\n");
}

TEST_P(JoinedNamespaces, RootlessJoinIsRefusedWithTheReasonAndLeavesNothing) {
  if (AsRoot()) GTEST_SKIP() << ::snaprun::testing::RootlessOnlySkip("root may join");
  WriteConfig(PodConfig("echo ran > /out/ran"));
  auto created = Create("c1");
  EXPECT_NE(created.exit_code, 0);
  EXPECT_NE(created.err.find("joining the network namespace " + netns_file_ +
                             ": setns: Operation not permitted"),
            std::string::npos)
      << created.err;
  EXPECT_NE(created.err.find("run as root"), std::string::npos) << created.err;
  EXPECT_FALSE(std::filesystem::exists(Out() + "/ran"));
  EXPECT_EQ(Cli({"list", "--format", "json"}).out, "[]\n");
}

TEST_P(JoinedNamespaces, APathToTheWrongKindIsRefusedByName) {
  auto config = PodConfig("echo ran > /out/ran");
  auto namespaces = config->getObject("linux")->getArray("namespaces");
  namespaces->getObject(3)->set("path", utsns_file_);  // the network entry
  WriteConfig(config);
  auto ran = Cli({"run", "--bundle", Bundle(), "r1"});
  EXPECT_NE(ran.exit_code, 0);
  EXPECT_NE(ran.err.find("it is a uts namespace, not a network one"), std::string::npos)
      << ran.err;
  EXPECT_FALSE(std::filesystem::exists(Out() + "/ran"));
}

SNAPRUN_INSTANTIATE_MODES(JoinedNamespaces);

}  // namespace
}  // namespace snaprun::testing
