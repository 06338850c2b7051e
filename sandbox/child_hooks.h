// Init's side of the container hooks: it stops at the OCI points (after its mounts,
// before pivot_root; after start, before the command) and lets the supervisor run
// the hooks. At the first stop it hands over its namespaces as fds (SCM_RIGHTS): a
// non-dumpable init's /proc/PID/ns cannot be opened by a rootless supervisor. Each
// stop ends with the supervisor's 'H'; EOF means it died (or a hook failed) and init
// exits. Async-signal-safe: runs after clone().
#pragma once

#include "sandbox/child_error.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

ChildError PauseForCreateHooks(const ChildPlan& plan, int report_fd);
ChildError PauseForStartHooks(int report_fd);

}  // namespace snaprun::sandbox
