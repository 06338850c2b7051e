// The same probe, through `snaprun run` with the configuration it generates for a
// user's spec (host image, snapshot, overlay, default seccomp profile): what users
// really run, rootless as the test user or as root like the rest of the suite.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/security/sandbox_runner.h"

namespace snaprun::security {

struct SnaprunAttack {
  std::vector<std::string> probe_args;
  std::string spec_extra;              // more run.yaml lines (resources: …)
  std::vector<std::string> launcher;   // runs snaprun through this prefix
  bool setuid_copy = false;            // a setuid-root copy of the probe beside it
};

// nullopt (with WHY) when this mode cannot run here (no test user rootless).
std::optional<ProbeRun> RunProbeThroughSnaprun(const SnaprunAttack& attack, std::string* why);

}  // namespace snaprun::security
