// Where the default seccomp profile is found: beside the binary as an install or a build
// tree lays it out (BIN/../share/snaprun/seccomp/default.json), else in the source tree
// this binary was built from, so build/bin/snaprun works from a fresh clone.
#pragma once

#include <string>

#include "sandbox/base/error.h"
#include "sandbox/config.h"

namespace snaprun::orchestrator {

// kNotFound naming both places when neither holds the profile.
Result<std::string> DefaultSeccompProfilePath();
Result<sandbox::SeccompProfile> LoadDefaultSeccompProfile();

}  // namespace snaprun::orchestrator
