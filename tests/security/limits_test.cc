// Resource limits hold against a hostile command. Each probe has a ceiling, so a
// sandbox without the limit fails the test rather than the machine.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "tests/security/sandbox_runner.h"
#include "tests/support/process.h"
#include "tests/support/host_facts.h"

namespace snaprun::security {
namespace {

TEST(Limits, ForkBombStopsAtPidsLimit) {
  SandboxSpec spec = Attack({"forkbomb", "2000"});
  spec.pids_limit = 64;
  SNAPRUN_RUN_PROBE(run, spec);
  EXPECT_EQ(run.line->result, "blocked") << run.Explain();
}

// The hog runs in a child of the probe; the OOM killer may take that child (the
// probe reports it) or, with memory.oom.group, the whole sandbox (no report, but
// the runtime says the command was killed).
void ExpectMemoryHogStopped(const SandboxSpec& spec) {
  std::string why;
  std::optional<ProbeRun> run = RunProbe(spec, &why);
  if (!run) GTEST_SKIP() << why;
  if (!run->line) {
    EXPECT_TRUE(run->command.exit_code == 128 + SIGKILL || run->command.signal == SIGKILL)
        << run->Explain();
    return;
  }
  EXPECT_EQ(run->line->result, "blocked") << run->Explain();
}

TEST(Limits, MemoryHogIsStopped) {
  SandboxSpec spec = Attack({"memhog", "512"});
  spec.memory_limit_bytes = 64ll << 20;
  ExpectMemoryHogStopped(spec);
}

// Whether the user the sandbox runs as may write a cgroup here, as the runtime's
// own preflight sees it. Without one, memory can only be capped per process.
bool SandboxUserHasCgroup() {
  std::vector<std::string> argv = {testing::BinaryPath("snaprun-sandbox"), "check", "--json",
                                   "--no-probes"};
  auto user = testing::UnprivilegedUser();
  if (!RootMode() && user) argv = testing::AsUser(*user, argv);
  Poco::JSON::Parser parser;
  auto report = parser.parse(testing::RunCommand(argv).out).extract<Poco::JSON::Object::Ptr>();
  auto checks = report->getArray("checks");
  for (unsigned i = 0; i < checks->size(); ++i) {
    auto check = checks->getObject(i);
    if (check->getValue<std::string>("name") == "cgroups") {
      return check->getValue<std::string>("status") == "ok";
    }
  }
  return false;
}

// 256 MB over 8 processes against a 64 MB limit: the limit is the sandbox's, not
// each process's. A runtime that falls back to the per-process RLIMIT_AS while a
// cgroup could be had fails this test, as it should.
TEST(Limits, MemoryLimitCoversAllProcesses) {
  if (!SandboxUserHasCgroup()) {
    GTEST_SKIP() << ::snaprun::testing::HostFactSkip(
        "no-delegated-cgroup",
        "snaprun-sandbox check finds no cgroup this user may write: memory is capped per "
        "process by RLIMIT_AS, which Limits.MemoryHogIsStopped covers");
  }
  SandboxSpec spec = Attack({"memhog", "256", "8"});
  spec.memory_limit_bytes = 64ll << 20;
  ExpectMemoryHogStopped(spec);
}

// /tmp is a 16 MB tmpfs in every test bundle.
TEST(Limits, TmpfsFillStopsAtItsSize) {
  SNAPRUN_EXPECT_BLOCKED(Attack({"disk-fill", "/tmp", "64"}));
}

TEST(Limits, CpuSpinStoppedByRlimitCpu) {
  SandboxSpec spec = Attack({"cpu-spin", "20"});
  spec.rlimits.push_back({"RLIMIT_CPU", 1, 3});
  SNAPRUN_EXPECT_BLOCKED(spec);
}

}  // namespace
}  // namespace snaprun::security
