// `snaprun run` end to end through the CLI, rootless (as the unprivileged test user) and
// as root: what a researcher sees, and what the history keeps. Each test is named for
// its promise. No test asserts on wall time; waits poll with a generous bound.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/run/run_harness.h"
#include "tests/support/host_facts.h"

namespace snaprun::testing {
namespace {

std::string Spec(const std::string& name, const std::string& command,
                 const std::string& extra = "") {
  return "name: " + name + "\ncommand: '" + command + "'\n" + extra;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class RunCli : public ModeTest {};

TEST_P(RunCli, OutputsLogsAndConsoleArriveIntact) {
  std::string spec = h().WriteSpec(
      Spec("arrive",
           "echo to-stdout; echo to-stderr >&2; printf \"a\\nb\\n\" > outputs/result.txt; "
           "echo progress > logs/train.log"));
  CommandResult run = h().Snaprun({"run", spec});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "to-stdout\n");
  EXPECT_NE(run.err.find("to-stderr"), std::string::npos);
  std::string id = RunIdFrom(run.err);
  ASSERT_EQ(id.size(), 26u) << run.err;
  EXPECT_EQ(ReadText(h().RunDir(id) + "/outputs/result.txt"), "a\nb\n");
  EXPECT_EQ(ReadText(h().RunDir(id) + "/logs/train.log"), "progress\n");
  std::string console = ReadText(h().RunDir(id) + "/console.log");
  EXPECT_NE(console.find(" out to-stdout\n"), std::string::npos) << console;
  EXPECT_NE(console.find(" err to-stderr\n"), std::string::npos) << console;
  auto shown = h().Show(id);
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->getValue<std::string>("state"), "completed");
  EXPECT_EQ(shown->getValue<std::string>("snapshot_digest").rfind("sha256:", 0), 0u);
  std::string outputs = shown->getValue<std::string>("outputs_digest");
  ASSERT_EQ(outputs.rfind("sha256:", 0), 0u);
  EXPECT_TRUE(std::filesystem::exists(h().home() + "/outputs/" + outputs.substr(7) + ".json"));
  CommandResult logs = h().Snaprun({"logs", id});
  EXPECT_NE(logs.out.find("to-stdout"), std::string::npos);
  EXPECT_NE(logs.out.find("[train.log] progress"), std::string::npos) << logs.out;
}

mode_t PermissionsOf(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST_P(RunCli, TheHistoryAndEachRunDirectoryAreOnlyTheOwners) {
  CommandResult run = h().Snaprun({"run", h().WriteSpec(Spec("private", "echo hi"))});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string id = RunIdFrom(run.err);
  EXPECT_EQ(PermissionsOf(h().home() + "/history.db"), 0600u);
  EXPECT_EQ(PermissionsOf(h().home() + "/runs"), 0700u);
  EXPECT_EQ(PermissionsOf(h().RunDir(id)), 0700u);
}

// Anyone could swap the snapshots and history of a home every user may write.
TEST_P(RunCli, AHomeOthersMayWriteIsRefusedBeforeAnythingIsWritten) {
  std::string spec = h().WriteSpec(Spec("refused", "echo hi"));
  ASSERT_EQ(::chmod(h().home().c_str(), 0777), 0);
  CommandResult run = h().Snaprun({"run", spec});
  ::chmod(h().home().c_str(), 0700);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find(h().home() + " is writable by every user (mode 0777)"), std::string::npos)
      << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(std::filesystem::is_empty(h().home()));
}

// network: host is the user's call for one run, not a line a spec can slip in.
TEST_P(RunCli, NetworkHostIsRefusedWithoutTheFlagAndRecordsNothing) {
  std::string spec =
      h().WriteSpec(Spec("hostnet", "readlink /proc/self/ns/net", "network: host\n"));
  CommandResult refused = h().Snaprun({"run", spec});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("network: host"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--allow-host-network"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out, "");
  EXPECT_NE(h().Snaprun({"show", "last"}).exit_code, 0);  // no run was recorded

  CommandResult allowed = h().Snaprun({"run", "--allow-host-network", spec});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  std::error_code ec;
  EXPECT_EQ(allowed.out, std::filesystem::read_symlink("/proc/self/ns/net", ec).string() + "\n");
}

// process_madvise (440 on every architecture) is in neither profile: the default
// answers an unlisted call EPERM, strict ENOSYS. The command reports which it got.
std::string UnlistedSyscallErrno(RunHarness& h, const std::string& name, const std::string& extra) {
  std::string spec = h.WriteSpec(
      Spec(name, "python3 -c \"import ctypes; libc = ctypes.CDLL(None, use_errno=True); "
                 "libc.syscall(440, -1, 0, 0, 0, 0); print(ctypes.get_errno())\"",
           extra));
  CommandResult run = h.Snaprun({"run", spec});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return Trim(run.out);
}

TEST_P(RunCli, TheSpecChoosesTheSeccompProfile) {
  EXPECT_EQ(UnlistedSyscallErrno(h(), "default-profile", ""), std::to_string(EPERM));
  EXPECT_EQ(UnlistedSyscallErrno(h(), "strict-profile", "seccomp: strict\n"),
            std::to_string(ENOSYS));
}

// An install without its profiles must not run commands unfiltered.
TEST_P(RunCli, AMissingSeccompProfileStopsTheRunBeforeTheCommand) {
  TempDir install;
  std::filesystem::create_directories(install.path() + "/bin");
  for (const char* binary : {"snaprun", "snaprun-sandbox"}) {
    std::filesystem::copy_file(BinaryPath(binary), install.path() + "/bin/" + binary);
  }
  ::chmod(install.path().c_str(), 0755);
  std::string spec = h().WriteSpec(Spec("unfiltered", "echo ran > outputs/ran"));
  CommandResult run = RunCommand(h().AsCaller({"env", "SNAPRUN_HOME=" + h().home(),
                                 install.path() + "/bin/snaprun", "run", spec}));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find(install.path() + "/share/snaprun/seccomp/default.json is missing"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(h().State("last"), "failed");
  EXPECT_FALSE(std::filesystem::exists(h().RunDir(RunIdFrom(run.err)) + "/outputs/ran"));
}

// A root run reads whatever root can: the host image must not show the host's secrets,
// and still give programs what they need (users, alternatives, CA certificates).
TEST_P(RunCli, TheHostImageShowsNoneOfTheHostsSecretsYetProgramsWork) {
  ASSERT_TRUE(std::filesystem::exists("/etc/shadow"));  // what there is to hide here
  std::string spec = h().WriteSpec(R"yaml(name: secrets
command: |
  for f in /etc/shadow /etc/gshadow /etc/sudoers /etc/ssh /etc/ssl/private /etc/machine-id \
           /etc/subuid /etc/resolv.conf; do
    if [ -e "$f" ]; then echo "visible $f"; fi
  done
  getent passwd | cut -d: -f1 | tr "\n" " "; echo
  awk "BEGIN { print \"awk ok\" }"
  python3 -c "import ssl; ssl.create_default_context(); print(\"tls ok\")"
)yaml");
  CommandResult run = h().Snaprun({"run", spec});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "root nobody \nawk ok\ntls ok\n") << run.err;
}

// A command's output may carry terminal escapes: logs shows them, --raw sends them.
TEST_P(RunCli, LogsEscapesControlSequencesUnlessRaw) {
  std::string spec = h().WriteSpec(
      Spec("escapes",
           "printf \"a\\033]0;pwned\\007b\\n\" > logs/x.log; printf \"c\\033[2Jd\\n\""));
  CommandResult run = h().Snaprun({"run", spec});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  CommandResult shown = h().Snaprun({"logs", "last"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("c\\x1b[2Jd\n"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("[x.log] a\\x1b]0;pwned\\x07b\n"), std::string::npos) << shown.out;
  EXPECT_EQ(shown.out.find('\033'), std::string::npos) << shown.out;
  CommandResult raw = h().Snaprun({"logs", "--raw", "last"});
  EXPECT_NE(raw.out.find("c\033[2Jd\n"), std::string::npos) << raw.out;
  EXPECT_NE(raw.out.find("[x.log] a\033]0;pwned\007b\n"), std::string::npos) << raw.out;
}

// A command filling outputs/ is stopped while it writes, not after: the host keeps
// its disk, the run ends failed naming the budget, and what it wrote is harvested.
TEST_P(RunCli, AnOutputsFillerIsStoppedAtItsBudgetAndKeepsWhatItWrote) {
  std::string spec = h().WriteSpec(Spec(
      "filler", "i=0; while :; do head -c 4194304 /dev/zero > outputs/f$i; i=$((i+1)); done",
      "resources: {outputs_size: 32MiB, timeout: 5m}\n"));
  CommandResult run = h().Snaprun({"run", spec});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("outputs/ went over its budget"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("of 32.0 MiB; the run was stopped"), std::string::npos) << run.err;
  auto shown = h().Show("last");
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->getValue<std::string>("state"), "failed");
  EXPECT_EQ(shown->getValue<std::string>("outputs_digest").rfind("sha256:", 0), 0u);
  std::string id = shown->getValue<std::string>("id");
  uintmax_t written = 0;
  for (const auto& entry : std::filesystem::directory_iterator(h().RunDir(id) + "/outputs")) {
    written += entry.file_size();
  }
  EXPECT_GT(written, 32u << 20);
  EXPECT_LT(written, 1u << 30) << "the run kept writing long after its budget";
}

// Lines on stdout fill console.log, which shares the logs budget with logs/.
TEST_P(RunCli, AConsoleFloodIsStoppedAtTheLogsBudget) {
  std::string spec = h().WriteSpec(
      Spec("flood", "yes flooding-the-console", "resources: {logs_size: 16MiB, timeout: 5m}\n"));
  CommandResult run = h().Snaprun({"run", spec});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("logs/ and console.log went over its budget"), std::string::npos)
      << run.err.substr(run.err.size() > 2000 ? run.err.size() - 2000 : 0);
  EXPECT_EQ(h().State("last"), "failed");
}

// The record's isolation steps end with what the command's process reported it did
// just before its exec, not with what the plan meant it to do.
TEST_P(RunCli, TheIsolationStepsEndWithTheCommandsOwnReport) {
  CommandResult run = h().Snaprun({"run", h().WriteSpec(Spec("steps", "true"))});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto shown = h().Show("last");
  ASSERT_TRUE(shown);
  auto steps = shown->getObject("isolation")->getArray("steps");
  ASSERT_GE(steps->size(), 4u);
  std::vector<std::string> last;
  for (size_t i = steps->size() - 4; i < steps->size(); ++i) {
    last.push_back(steps->getElement<std::string>(static_cast<unsigned>(i)));
  }
  EXPECT_EQ(last, (std::vector<std::string>{"capabilities", "no_new_privs", "seccomp", "exec"}));
  // Root's runs: only the command is in a user namespace, which it says it entered.
  bool entered = false;
  for (size_t i = 0; i < steps->size(); ++i) {
    entered = entered || steps->getElement<std::string>(static_cast<unsigned>(i)) ==
                             "user namespace for the command (host root outside)";
  }
  EXPECT_EQ(entered, GetParam() == Mode::kRoot);
}

// Root's runs never hold host uid 0: the command is root in a user namespace mapped
// onto 0x70000000.. (kRootRunIdBase), it still owns its code in the scratch layer (it
// may chmod and change it, even in a directory only root may enter; the snapshot is
// stored read-only, 0444/0555), and what it writes to outputs/ is
// owned on the host by that range, not by root.
TEST_P(RunCli, RootsRunsActAsTheRootRunRangeNeverAsHostRoot) {
  if (GetParam() == Mode::kRootless) {
    GTEST_SKIP() << RootOnlySkip("a rootless run's ids are the caller's own");
  }
  std::string spec = h().WriteSpec(
      Spec("ranges",
           "id -u > outputs/uid; cat /proc/self/uid_map > outputs/map; "
           "chmod u+w private private/data.txt && echo changed >> private/data.txt && "
           "touch private/new outputs/made"),
      {{"private/data.txt", "original\n"}});
  std::filesystem::permissions(std::filesystem::path(spec).parent_path() / "private",
                               std::filesystem::perms::owner_all);
  CommandResult run = h().Snaprun({"run", spec});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string outputs = h().RunDir(RunIdFrom(run.err)) + "/outputs";
  EXPECT_EQ(Trim(ReadText(outputs + "/uid")), "0");
  std::istringstream map(ReadText(outputs + "/map"));
  uint64_t inside = 1, outside = 0, count = 0;
  map >> inside >> outside >> count;
  EXPECT_EQ(inside, 0u);
  EXPECT_EQ(outside, 0x70000000u);
  EXPECT_EQ(count, 65536u);
  struct stat st{};
  ASSERT_EQ(::stat((outputs + "/made").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0x70000000u);
  EXPECT_EQ(st.st_gid, 0x70000000u);
  // The reversed-order variation copies the snapshot instead of an overlay: the copy's
  // owners are shifted the same way, so the same code runs there too.
  CommandResult repro = h().Snaprun({"repro", "--vary", "dir-order", spec});
  EXPECT_EQ(repro.exit_code, 0) << repro.out << repro.err;
}

TEST_P(RunCli, SecondRunSeesNoneOfTheFirstRunsScratchWrites) {
  std::string spec = h().WriteSpec(
      Spec("scratch", "test ! -e left-behind && echo x > left-behind && echo x > /tmp/t"));
  CommandResult first = h().Snaprun({"run", spec});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  CommandResult second = h().Snaprun({"run", spec});
  EXPECT_EQ(second.exit_code, 0) << second.err;
}

TEST_P(RunCli, WritesToSnapshotFail) {
  std::string spec =
      h().WriteSpec(Spec("ro",
                         "if echo x > /snapshot/run.yaml || touch /snapshot/new || touch /usr/new; "
                         "then exit 1; fi; exit 0"));
  CommandResult run = h().Snaprun({"run", spec});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

TEST_P(RunCli, EnvironmentHoldsExactlyTheDocumentedVariables) {
  std::string spec = h().WriteSpec("name: env\ncommand: [/usr/bin/env]\nenv:\n  MINE: '1'\n");
  CommandResult run = h().Snaprun({"run", spec});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::set<std::string> names;
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) names.insert(line.substr(0, line.find('=')));
  std::set<std::string> expected = {
      "HOME", "LANG", "PATH", "MINE", "SNAPRUN_RUN_ID", "SNAPRUN_OUTPUTS", "SNAPRUN_LOGS"};
  EXPECT_EQ(names, expected) << run.out;
  EXPECT_NE(run.out.find("SNAPRUN_RUN_ID=" + RunIdFrom(run.err)), std::string::npos);
}

TEST_P(RunCli, EightParallelRunsAllLandInTheHistory) {
  std::string spec = h().WriteSpec(Spec("parallel", "echo one"));
  std::vector<std::thread> threads;
  std::vector<int> codes(8, -1);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { codes[i] = h().Snaprun({"run", spec}).exit_code; });
  }
  for (auto& t : threads) t.join();
  for (int code : codes) EXPECT_EQ(code, 0);
  CommandResult ls =
      h().Snaprun({"ls", "--name", "parallel", "--state", "completed", "--limit", "100"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_EQ(std::count(ls.out.begin(), ls.out.end(), '\n'), 9) << ls.out;  // header + 8
}

TEST_P(RunCli, ExitCodesAndSignalsPassThrough) {
  CommandResult exited = h().Snaprun({"run", h().WriteSpec(Spec("exit7", "exit 7"))});
  EXPECT_EQ(exited.exit_code, 7) << exited.err;
  auto shown = h().Show("last");
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->getValue<int>("exit_code"), 7);
  EXPECT_EQ(shown->getValue<std::string>("state"), "failed");
  CommandResult killed = h().Snaprun({"run", h().WriteSpec(Spec("sig", "kill -USR1 $$"))});
  EXPECT_EQ(killed.exit_code, 128 + SIGUSR1) << killed.err;
}

TEST_P(RunCli, TimeoutEndsTimedOut) {
  std::string spec = h().WriteSpec(Spec("slow", "sleep 60", "resources:\n  timeout: 1s\n"));
  CommandResult run = h().Snaprun({"run", spec});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(h().State("last"), "timed_out");
}

TEST_P(RunCli, DetachThenFollowShowsLines) {
  std::string spec = h().WriteSpec(
      Spec("detached", "for i in 1 2 3; do echo line$i; sleep 0.2; done; echo tail > logs/x.log"));
  CommandResult run = h().Snaprun({"run", "--detach", spec});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string id = Trim(run.out);
  ASSERT_EQ(id.size(), 26u) << run.out;
  // The supervisor may not have started yet; -f ends once the run has.
  h().WaitForState(id, {"running", "harvesting", "completed"});
  CommandResult logs = h().Snaprun({"logs", "-f", id});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_NE(logs.out.find("line1\nline2\nline3\n"), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("[x.log] tail"), std::string::npos) << logs.out;
  EXPECT_EQ(h().State(id), "completed");
}

// Starts COMMAND detached, cancels it once running, and expects it to end canceled.
void ExpectCancelEndsCanceled(RunHarness& h, const std::string& name, const std::string& command) {
  std::string spec = h.WriteSpec(Spec(name, command));
  CommandResult run = h.Snaprun({"run", "--detach", spec});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string id = Trim(run.out);
  ASSERT_EQ(h.WaitForState(id, {"running"}), "running");
  CommandResult cancel = h.Snaprun({"cancel", id});
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_EQ(h.WaitForState(id, {"canceled"}), "canceled");
}

TEST_P(RunCli, CancelEndsCanceled) {
  ExpectCancelEndsCanceled(h(), "cancel", "echo started; sleep 300");
}

// The command traps SIGTERM and keeps going: cancel kills it after the grace period.
TEST_P(RunCli, CancelKillsACommandThatIgnoresSigterm) {
  ExpectCancelEndsCanceled(h(), "stubborn",
                           "trap \"\" TERM; echo started; while :; do sleep 1; done");
}

// rm of a live run would delete the directory its supervisor still writes.
TEST_P(RunCli, RmRefusesALiveRunAndKeepsItsRecordAndDirectory) {
  std::string spec = h().WriteSpec(Spec("live", "echo started; sleep 300"));
  CommandResult run = h().Snaprun({"run", "--detach", spec});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string id = Trim(run.out);
  ASSERT_EQ(h().WaitForState(id, {"running"}), "running");
  CommandResult removed = h().Snaprun({"rm", id});
  EXPECT_NE(removed.exit_code, 0);
  EXPECT_NE(removed.err.find("cancel it first"), std::string::npos) << removed.err;
  EXPECT_EQ(h().State(id), "running");
  EXPECT_TRUE(std::filesystem::exists(h().RunDir(id)));
  ASSERT_EQ(h().Snaprun({"cancel", id}).exit_code, 0);
  ASSERT_EQ(h().WaitForState(id, {"canceled"}), "canceled");
  CommandResult again = h().Snaprun({"rm", id});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_FALSE(std::filesystem::exists(h().RunDir(id)));
}

TEST_P(RunCli, CancelOfAFinishedRunIsRefusedAndChangesNothing) {
  CommandResult run = h().Snaprun({"run", h().WriteSpec(Spec("done", "true"))});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  CommandResult cancel = h().Snaprun({"cancel", "last"});
  EXPECT_NE(cancel.exit_code, 0);
  EXPECT_NE(cancel.err.find("already ended completed"), std::string::npos) << cancel.err;
  EXPECT_EQ(h().State("last"), "completed");
}

TEST_P(RunCli, KilledSupervisorGivesLostRunWithLogsAndNoStrayProcess) {
  std::string marker =
      "4" + std::to_string(getpid() % 100000) + (GetParam() == Mode::kRoot ? "1" : "2");
  std::string spec = h().WriteSpec(Spec("lost", "echo started; exec sleep " + marker));
  CommandResult run = h().Snaprun({"run", "--detach", spec});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string id = Trim(run.out);
  ASSERT_EQ(h().WaitForState(id, {"running"}), "running");
  for (int i = 0; i < 600 && !ProcessWithArgsExists("sleep " + marker); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(ProcessWithArgsExists("sleep " + marker));
  auto shown = h().Show(id);
  ASSERT_TRUE(shown);
  auto supervisor = static_cast<pid_t>(shown->getValue<int64_t>("supervisor_pid"));
  ASSERT_EQ(kill(supervisor, SIGKILL), 0);
  EXPECT_EQ(h().WaitForState(id, {"lost"}), "lost");
  bool gone = false;
  for (int i = 0; i < 600 && !gone; ++i) {
    gone = !ProcessWithArgsExists("sleep " + marker);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(gone) << "the sandbox outlived its supervisor";
  CommandResult logs = h().Snaprun({"logs", id});
  EXPECT_NE(logs.out.find("started"), std::string::npos) << logs.out;
}

TEST_P(RunCli, BadSpecFailsBeforeAnythingIsRecorded) {
  std::string spec = h().WriteSpec("name: bad\ncommand: [true]\nnot_a_key: 1\n");
  CommandResult run = h().Snaprun({"run", spec});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("run.yaml:3:"), std::string::npos) << run.err;
  CommandResult ls = h().Snaprun({"ls", "--json"});
  EXPECT_EQ(Trim(ls.out), "[]");
}

TEST_P(RunCli, SnapshotOverItsLimitFailsWithTheHelpfulError) {
  std::string spec = h().WriteSpec(Spec("big", "true", "snapshot:\n  max_size: 1KiB\n"),
                                   {{"data.bin", std::string(4096, 'x')}});
  CommandResult run = h().Snaprun({"run", spec});
  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_NE(run.err.find("exceeds the limit"), std::string::npos) << run.err;
  EXPECT_EQ(h().State("last"), "failed");
}

SNAPRUN_INSTANTIATE_MODES(RunCli);

}  // namespace
}  // namespace snaprun::testing
