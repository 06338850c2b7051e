// snaprun-sandbox run, end to end through the CLI on a busybox rootfs, rootless (as
// the unprivileged test user) and as root. Each test is named for its promise.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/oci_bundle_test.h"
#include "tests/support/host_facts.h"

namespace snaprun::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct RunBundle {
  RunBundle(std::string s, std::string m = "", std::string l = "", std::string r = "")
      : script(std::move(s)), mounts(std::move(m)), rlimits(std::move(l)), rootfs(std::move(r)) {}
  std::string script;
  std::string mounts;    // extra JSON mount objects, comma-first
  std::string rlimits;   // extra JSON rlimit objects, comma-first
  std::string rootfs;    // default: the shared rootfs
  std::string process_keys;     // extra process keys, comma-first
  std::string namespaces;       // extra linux.namespaces entries, comma-first
  std::string linux_keys;       // extra linux keys, comma-first
};

// The config is written here rather than from DefaultConfig: these tests vary its parts
// (mounts, rlimits, namespaces) as text.
class SandboxRun : public OciBundleTest {
 protected:
  void WriteRunConfig(const RunBundle& b) {
    std::string rootfs = b.rootfs.empty() ? RootfsPath() : b.rootfs;
    std::ofstream(Bundle() + "/config.json") << R"({
  "ociVersion": "1.0.2",
  "process": {"args": ["/bin/sh", "-c", )" << JsonQuote(b.script) << R"(],
    "env": ["PATH=/bin"], "cwd": "/", "noNewPrivileges": true,
    "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024})" << b.rlimits << R"(])"
                                           << b.process_keys << R"(},
  "root": {"path": )" << JsonQuote(rootfs) << R"(, "readonly": true},
  "hostname": "sandbox",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1048576"]})"
                                           << b.mounts << R"(],
  "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
      {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}, {"type": "user"})"
                                           << b.namespaces << R"(],
    "maskedPaths": ["/proc/kcore", "/proc/interrupts"], "readonlyPaths": ["/proc/sys"])"
                                           << b.linux_keys << R"(}
})";
  }

  CommandResult Run(const RunBundle& b, std::vector<std::string> extra = {}) {
    WriteRunConfig(b);
    std::vector<std::string> argv = {BinaryPath("snaprun-sandbox"), "run", "--bundle",
                                     Bundle(), "--result", ResultPath()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("test");
    if (user_) argv = AsUser(*user_, argv);
    return RunCommand(argv);
  }

  std::string ResultPath() const { return Bundle() + "/result.json"; }
  std::string Result() const { return ReadFile(ResultPath()); }
};

TEST_P(SandboxRun, ExitCodeIsReportedExactly) {
  auto r = Run({"exit 3"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(Result().find("\"exit_code\": 3"), std::string::npos) << Result();
}

TEST_P(SandboxRun, SignalDeathIs128PlusSignalWithSignalInResult) {
  auto r = Run({"kill -9 $$"});
  EXPECT_EQ(r.exit_code, 137) << r.err;
  EXPECT_NE(Result().find("\"signal\": 9"), std::string::npos) << Result();
}

TEST_P(SandboxRun, RootIsReadOnly) {
  auto r = Run({"touch /newfile"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
}

TEST_P(SandboxRun, HostPidsAreInvisible) {
  auto r = Run({"ls /proc | grep -c '^[0-9]'"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LE(std::stoi(r.out), 4) << r.out;  // init, sh, ls, grep: nothing of the host
}

TEST_P(SandboxRun, NoHostFdsAreInherited) {
  int leaked = open("/dev/null", O_RDONLY);  // no O_CLOEXEC on purpose
  ASSERT_GE(leaked, 0);
  auto r = Run({"ls /proc/self/fd | tr '\\n' ' '"});
  close(leaked);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "0 1 2 3 ") << "fd 3 is ls's own directory";
}

TEST_P(SandboxRun, InitExeIsUnreachable) {
  auto r = Run({"cat /proc/1/exe > /dev/null && echo readable; readlink /proc/1/exe || true"});
  EXPECT_EQ(r.out.find("readable"), std::string::npos);
  EXPECT_EQ(r.out.find("snaprun-sandbox"), std::string::npos) << r.out;
}

TEST_P(SandboxRun, NetworkNoneHasOnlyLoopbackAndCannotReachHost) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string port = std::to_string(ntohs(addr.sin_port));
  auto r = Run({"ls /sys/class/net 2>/dev/null; cat /proc/net/dev | tail -n +3 | cut -d: -f1;"
                "nc -w 1 127.0.0.1 " + port + " </dev/null && echo connected || echo refused"});
  close(listener);
  EXPECT_NE(r.out.find("lo"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("eth"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("refused"), std::string::npos) << r.out;
}

TEST_P(SandboxRun, TimeoutEndsSpinnerAndIsReported) {
  auto r = Run({"while :; do :; done"}, {"--timeout", "300"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(Result().find("\"timed_out\": true"), std::string::npos) << Result();
}

TEST_P(SandboxRun, SetupFailureNamesStepAndErrno) {
  auto r = Run({"true", R"(, {"destination": "/data", "type": "bind", "source": "/nonexistent/src",
                 "options": ["rbind", "ro"]})"});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("mount"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/src: No such file or directory"), std::string::npos) << r.err;
}

TEST_P(SandboxRun, TmpfsSizeLimitStopsDiskFiller) {
  auto r = Run({"dd if=/dev/zero of=/tmp/fill bs=4096 count=1024"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
}

TEST_P(SandboxRun, SignalsAreForwardedToTheCommand) {
  auto r = Run({"trap 'echo got-usr1; exit 7' USR1; kill -USR1 1; sleep 5 & wait"});
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_NE(r.out.find("got-usr1"), std::string::npos);
}

// The orphan's exit is awaited by its pid (it is init's child by then), not by a sleep:
// once /proc/PID is gone, init has reaped it.
TEST_P(SandboxRun, OrphanedGrandchildrenAreReaped) {
  auto r = Run({"o=$(sh -c 'sleep 0.2 & echo $!'); i=0; "
                "while [ -e /proc/$o ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; "
                "[ -e /proc/$o ] && echo still-there; "
                "grep -l Z /proc/[0-9]*/stat 2>/dev/null | xargs -r grep -h ' Z ' | wc -l"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "0\n") << r.out;
}

// A copy of the rootfs the test may make hostile; owned by the test user when rootless.
std::string HostileRootfs(const TempDir& dir) {
  std::string root = dir.path() + "/rootfs";
  EXPECT_EQ(RunCommand({"cp", "-a", OciBundleTest::RootfsPath(), root}).exit_code, 0);
  return root;
}

TEST_P(SandboxRun, SymlinkedMountTargetNeverReachesTheHost) {
  TempDir host_target;  // what the symlink points at on the host
  TempDir copy;
  std::string root = HostileRootfs(copy);
  std::filesystem::remove_all(root + "/data");
  std::filesystem::create_symlink(host_target.path(), root + "/data");
  if (user_) copy.ChownTo(*user_);
  auto r = Run(RunBundle("touch /data/sub/x", R"(, {"destination": "/data/sub", "type": "tmpfs",
           "source": "tmpfs"})", "", root));
  // Resolved inside the root the link leads nowhere, so setup is refused.
  EXPECT_EQ(r.exit_code, 125) << r.err;
  EXPECT_NE(r.err.find("mount point"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(host_target.path())) << "host path was written";
}

TEST_P(SandboxRun, SymlinkedDevIsRefused) {
  TempDir copy;
  std::string root = HostileRootfs(copy);
  std::filesystem::remove_all(root + "/dev");
  std::filesystem::create_symlink("/dev", root + "/dev");
  if (user_) copy.ChownTo(*user_);
  auto r = Run(RunBundle("true", "", "", root));
  EXPECT_EQ(r.exit_code, 125) << r.err;
  EXPECT_NE(r.err.find("dev"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::exists("/dev/null"));
  EXPECT_FALSE(std::filesystem::exists("/dev/pts/ptmx") &&
               std::filesystem::is_regular_file("/dev/null"));
}

// TERM is sent once the command says its trap is set (a file in a bound directory),
// not after a guess at how long the sandbox takes to start.
TEST_P(SandboxRun, SupervisorForwardsTermToTheCommand) {
  TempDir ready;
  if (user_) ready.ChownTo(*user_);
  WriteRunConfig(RunBundle(
      "trap 'echo got-term; exit 9' TERM; : > /tmp/ready/up; sleep 30 & wait",
      R"(, {"destination": "/tmp/ready", "type": "bind", "source": ")" + ready.path() +
          R"(", "options": ["rbind", "rw"]})"));
  std::string cli = BinaryPath("snaprun-sandbox") + " run --bundle " + Bundle() + " t";
  std::string up = ready.path() + "/up";
  std::vector<std::string> argv = {
      "sh", "-c",
      cli + " & p=$!; i=0; while [ ! -e " + up + " ] && [ $i -lt 1200 ]; do sleep 0.05; " +
          "i=$((i+1)); done; kill -TERM $p; wait $p; echo rc=$?"};
  if (user_) argv = AsUser(*user_, argv);
  auto r = RunCommand(argv);
  EXPECT_NE(r.out.find("got-term"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("rc=9"), std::string::npos) << r.out;
}

TEST_P(SandboxRun, SandboxDiesWithItsSupervisor) {
  // A duration no other test uses at the same time (ctest runs the Root and Rootless
  // variants side by side), so the count below sees only this test's sleeper.
  std::string marker = "sleep " + std::to_string(100000 + getpid());
  WriteRunConfig(RunBundle("exec " + marker + " >/dev/null 2>&1"));
  std::string cli = BinaryPath("snaprun-sandbox") + " run --bundle " + Bundle() + " t";
  std::vector<std::string> argv = {
      "sh", "-c",
      "count() { ps -eo args | grep -c '^" + marker + "$'; }; "
      "await() { i=0; while [ \"$(count)\" != $1 ] && [ $i -lt 100 ]; do sleep 0.1; "
      "i=$((i+1)); done; count; }; " +
          cli + " >/dev/null 2>&1 & p=$!; await 1; kill -KILL $p; await 0; true"};
  if (user_) argv = AsUser(*user_, argv);
  auto r = RunCommand(argv);
  // Running while the supervisor lived, gone once it was killed.
  EXPECT_EQ(r.out, "1\n0\n") << r.err;
}

// A year and a bit, in seconds: far more than any test machine has been up.
constexpr int64_t kClockOffset = 31622400;

int64_t UptimeSeconds(const std::string& proc_uptime) {
  return std::atoll(proc_uptime.c_str());
}

TEST_P(SandboxRun, TimeNamespaceOffsetsMonotonicAndBoottimeClocks) {
  RunBundle b("cat /proc/uptime");
  b.namespaces = R"(, {"type": "time"})";
  b.linux_keys = R"(, "timeOffsets": {"monotonic": {"secs": 31622400},
      "boottime": {"secs": 31622400, "nanosecs": 0}})";
  auto r = Run(b);
  if (r.exit_code != 0 && !std::filesystem::exists("/proc/self/timens_offsets")) {
    GTEST_SKIP() << "no time namespaces in this kernel: " << r.err;
  }
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(UptimeSeconds(r.out), kClockOffset) << r.out;
  EXPECT_LT(UptimeSeconds(ReadFile("/proc/uptime")), kClockOffset);
}

TEST_P(SandboxRun, WithoutATimeNamespaceTheClocksAreTheHosts) {
  auto r = Run(RunBundle("cat /proc/uptime"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(UptimeSeconds(r.out), kClockOffset) << r.out;
}

TEST_P(SandboxRun, TimeOffsetsWithoutATimeNamespaceAreRefused) {
  RunBundle b("true");
  b.linux_keys = R"(, "timeOffsets": {"boottime": {"secs": 5}})";
  auto r = Run(b);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("linux.timeOffsets"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"time\" namespace"), std::string::npos) << r.err;
}

TEST_P(SandboxRun, CpuAffinityIsWhatTheCommandSees) {
  RunBundle b("grep Cpus_allowed_list /proc/self/status");
  b.process_keys = R"(, "execCPUAffinity": {"final": "0"})";
  auto r = Run(b);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Cpus_allowed_list:\t0\n");
}

TEST_P(SandboxRun, CpuAffinityOutsideTheCallersCpusFailsAtStart) {
  RunBundle b("echo ran");
  b.process_keys = R"(, "execCPUAffinity": {"final": "1000"})";
  auto r = Run(b);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("cpu affinity"), std::string::npos) << r.err;
}

TEST_P(SandboxRun, OverlayWritesStayInTheSandbox) {
  TempDir lower;
  std::ofstream(lower.path() + "/file") << "original\n";
  if (user_) lower.ChownTo(*user_);
  auto r = Run(RunBundle("echo changed > /workspace/file && echo new > /workspace/added && "
                      "cat /workspace/file",
                      R"(, {"destination": "/workspace", "type": "overlay", "source": "overlay",
                         "options": ["lowerdir=)" + lower.path() + R"(", "size=1048576"]})"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "changed\n");
  EXPECT_EQ(ReadFile(lower.path() + "/file"), "original\n");
  EXPECT_FALSE(std::filesystem::exists(lower.path() + "/added"));
  std::string result = Result();
  EXPECT_TRUE(result.find("\"overlay\"") != std::string::npos ||
              result.find("lower copied to tmpfs") != std::string::npos) << result;
}

TEST_P(SandboxRun, ForkBombStopsAtNprocLimit) {
  if (GetParam() == Mode::kRoot) GTEST_SKIP() << ::snaprun::testing::RootlessOnlySkip(
        "RLIMIT_NPROC does not bind host uid 0; root's fork bombs stop at the pids cgroup "
        "(Limits.ForkBombStopsAtPidsLimit)");
  // ash exits on a failed fork, hence the subshell. The limit counts every process
  // of the uid on the host, other tests' too, so the subshell's own fork may be the
  // one refused: either way the bomb stops with "can't fork" and does not time out.
  auto r = Run({"exec 2>&1; (i=0; while [ $i -lt 200 ]; do sleep 5 & i=$((i+1)); done); "
                "echo done", "", R"(, {"type": "RLIMIT_NPROC", "soft": 20, "hard": 20})"},
               {"--timeout", "20000"});
  EXPECT_NE(r.out.find("an't fork"), std::string::npos) << r.out << r.err;
  EXPECT_NE(Result().find("\"timed_out\": false"), std::string::npos) << Result();
}

TEST_P(SandboxRun, MemoryBombStopsAtAddressSpaceLimit) {
  auto r = Run({"dd if=/dev/zero of=/dev/null bs=200M count=1", "",
                R"(, {"type": "RLIMIT_AS", "soft": 67108864, "hard": 67108864})"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("memory"), std::string::npos) << r.err;
}

TEST_P(SandboxRun, OutputGoesToNamedFiles) {
  std::string out = Bundle() + "/out.txt", err = Bundle() + "/err.txt";
  auto r = Run(RunBundle("echo to-out; echo to-err >&2"), {"--stdout", out, "--stderr", err});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(out), "to-out\n");
  EXPECT_EQ(ReadFile(err), "to-err\n");
}

TEST_P(SandboxRun, SetupFailureIsWrittenToTheResultFile) {
  auto r = Run(RunBundle("true", R"(, {"destination": "/data", "type": "bind", "source": "/nonexistent/src"})"));
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(Result().find("\"error\""), std::string::npos) << Result();
  EXPECT_NE(Result().find("No such file or directory"), std::string::npos) << Result();
}

TEST_P(SandboxRun, ResultListsTheIsolationStepsThatRan) {
  auto r = Run(RunBundle("true"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* step : {"pivot_root", "read-only root", "masked paths", "loopback", "proc",
                           "no_new_privs", "capabilities"}) {
    EXPECT_NE(Result().find(std::string("\"") + step + "\""), std::string::npos) << step;
  }
}

TEST_P(SandboxRun, MaskedAndReadonlyKernelPathsHoldInside) {
  auto r = Run(RunBundle("wc -c < /proc/interrupts; echo x > /proc/sys/kernel/hostname || echo ro-ok; "
                      "hostname"));
  EXPECT_EQ(r.out, "0\nro-ok\nsandbox\n") << r.err;
}

SNAPRUN_INSTANTIATE_MODES(SandboxRun);

}  // namespace
}  // namespace snaprun::testing
