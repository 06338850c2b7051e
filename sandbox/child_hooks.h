// Init's side of the container hooks: it stops at the OCI points (after its mounts,
// before pivot_root; after start, before the command) and lets the supervisor run
// the hooks in its namespaces (which the supervisor opened before GO: a non-dumpable
// init's /proc/PID/ns is closed to a rootless supervisor). Each stop ends with the
// supervisor's 'H'; EOF means it died (or a hook failed) and init exits.
// Async-signal-safe: runs after clone().
#pragma once

#include "sandbox/child_error.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

ChildError PauseForCreateHooks(int report_fd);
ChildError PauseForStartHooks(int report_fd);

}  // namespace snaprun::sandbox
