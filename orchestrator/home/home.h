// SNAPRUN_HOME: where snaprun keeps objects, snapshots, images, runs and history.
// $SNAPRUN_HOME, else $XDG_DATA_HOME/snaprun, else ~/.local/share/snaprun.
#pragma once

#include <string>

#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

std::string SnaprunHomePath();

// Refuses a home that is not a directory, is owned by another user, or is group-
// or world-writable: whoever can write it can swap the snapshots, images and
// history that runs trust. An existing home's mode is left as its owner set it.
Result<void> CheckHomeIsPrivate(const std::string& home);

// Creates the home directory (mode 0700) if missing, then checks it is private.
Result<std::string> EnsureSnaprunHome();

}  // namespace snaprun::orchestrator
