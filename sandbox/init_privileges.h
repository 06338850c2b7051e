// What the sandbox's pid 1 keeps once it has forked the command. Init lives beside
// the command for the whole run and, without a user namespace, is real root: it
// keeps only CAP_KILL (to forward signals to a command running as another uid) and
// installs a filter of its own that allows the few calls it still makes (waiting,
// signalling, one frame to the supervisor, exiting, and a sanitizer runtime's
// allocator). Anything else, opening a file included, gets EPERM.
#pragma once

#include "sandbox/base/error.h"
#include "sandbox/capabilities.h"
#include "sandbox/seccomp.h"

namespace snaprun::sandbox {

struct InitPrivileges {
  CapabilityPlan capabilities;
  SeccompProgram seccomp;
};

// Computed by the supervisor before the clone (no allocation in the child).
Result<InitPrivileges> PlanInitPrivileges();

// Init's half, after the fork: no_new_privs, the capability sets, then the filter.
// Async-signal-safe; 0 or an errno.
int DropInitPrivileges(const InitPrivileges& privileges);

}  // namespace snaprun::sandbox
