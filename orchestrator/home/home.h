// SNAPRUN_HOME: where snaprun keeps objects, snapshots, images, runs and history.
// $SNAPRUN_HOME, else $XDG_DATA_HOME/snaprun, else ~/.local/share/snaprun.
#pragma once

#include <string>

#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

std::string SnaprunHomePath();
// Creates the home directory (mode 0700) and its top-level layout if missing.
Result<std::string> EnsureSnaprunHome();

}  // namespace snaprun::orchestrator
