// Where the shipped seccomp profiles are: beside the binary, as an install or a build
// tree lays them out (BIN/../share/snaprun/seccomp/NAME.json). There is no fallback:
// a run told to use a profile that is not there does not start.
#pragma once

#include <string>

#include "orchestrator/spec/run_spec.h"
#include "sandbox/base/error.h"
#include "sandbox/config.h"

namespace snaprun::orchestrator {

// kNotFound naming the path when the profile is not installed there.
Result<std::string> SeccompProfilePath(SeccompChoice choice);
Result<sandbox::SeccompProfile> LoadSeccompProfile(SeccompChoice choice);

}  // namespace snaprun::orchestrator
