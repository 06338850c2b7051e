// Security-test harness: builds an OCI bundle (busybox rootfs with snaprun-probe in
// /bin, config.json) and runs one probe attack through `snaprun-sandbox run`,
// rootless as the test user or as root depending on the test binary. A test
// asserts on the probe's one JSON line; a run without that line is reported with
// the runtime's own output so the failure can be read from the log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace snaprun::security {

// Compiled twice: security_rootless_test and security_root_test.
bool RootMode();

struct MountSpec {
  std::string destination;
  std::string type;
  std::string source;
  std::vector<std::string> options;
};

struct RlimitSpec {
  std::string type;  // "RLIMIT_CPU", …
  uint64_t soft = 0;
  uint64_t hard = 0;
};

// What the sandbox should look like; the defaults are the safe ones.
struct SandboxSpec {
  std::vector<std::string> probe_args;  // the attack and its arguments
  std::string cwd = "/";                // process.cwd, resolved inside the sandbox
  uint32_t uid = 0;                     // inside the sandbox
  uint32_t gid = 0;
  bool default_seccomp = true;          // embed policies/seccomp/default.json
  // Granted in the bounding, effective and permitted sets (uid 0 keeps them across
  // exec). Empty by default; the seccomp tests grant the capabilities each attack
  // needs, so that only the filter stands in the way.
  std::vector<std::string> capabilities;
  std::optional<int64_t> pids_limit;
  std::optional<int64_t> memory_limit_bytes;
  std::vector<RlimitSpec> rlimits;
  std::vector<MountSpec> extra_mounts;
  // Runs the runtime through this prefix (after the switch to the test user), e.g.
  // a shell that opens an extra fd first.
  std::vector<std::string> launcher;
  // Rootless runs switch to the test user with tests/support AsUser(); a test that
  // switches itself (to keep ambient capabilities) puts its setpriv in `launcher`.
  bool switch_user = true;
};

struct ProbeLine {
  std::string attack;
  std::string result;  // blocked | escaped | error
  int err = 0;
  std::string detail;
};

struct ProbeRun {
  testing::CommandResult command;
  std::optional<ProbeLine> line;
  std::string Explain() const;  // everything a failure message needs
};

// The probe's last verdict line in OUT; nullopt when it printed none.
std::optional<ProbeLine> ParseProbeLine(const std::string& out);

// nullopt (with WHY set) when the harness cannot run here: no runtime binary, no
// test user for rootless runs, no busybox. Tests GTEST_SKIP on it.
std::optional<ProbeRun> RunProbe(const SandboxSpec& spec, std::string* why);

// SandboxSpec running one attack with the defaults.
inline SandboxSpec Attack(std::vector<std::string> probe_args) {
  SandboxSpec spec;
  spec.probe_args = std::move(probe_args);
  return spec;
}

}  // namespace snaprun::security

// Declares RUN (a ProbeRun) from SPEC; skips when the harness cannot run here and
// fails when the probe printed no verdict.
#define SNAPRUN_RUN_PROBE(run, spec)                                  \
  std::string run##_why;                                              \
  auto run##_opt = ::snaprun::security::RunProbe((spec), &run##_why); \
  if (!run##_opt) GTEST_SKIP() << run##_why;                          \
  const ::snaprun::security::ProbeRun& run = *run##_opt;              \
  ASSERT_TRUE(run.line.has_value()) << run.Explain()

// Runs SPEC and requires the probe's verdict to be "blocked".
#define SNAPRUN_EXPECT_BLOCKED(spec)                             \
  do {                                                           \
    SNAPRUN_RUN_PROBE(blocked_run, spec);                        \
    EXPECT_EQ(blocked_run.line->result, "blocked") << blocked_run.Explain(); \
  } while (0)
