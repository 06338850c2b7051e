// File descriptors the command inherits: 0-2, then the preserved fds renumbered to
// 3, 4, … (OCI --preserve-fds). Everything else is marked close-on-exec with
// close_range, so the error socket still works until the exec itself closes it.
#pragma once

#include "sandbox/child_error.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

// REPORT_FD is moved above the preserved range first so a dup2 cannot clobber it;
// *report_fd is updated.
ChildError ArrangeFds(const ChildPlan& plan, int* report_fd);

}  // namespace snaprun::sandbox
