// File descriptors the command inherits: 0-2, then the preserved fds renumbered to
// 3, 4, … (OCI --preserve-fds). Everything else is closed with close_range, except
// the error socket, which is close-on-exec so it works until the exec itself.
// ArrangeFds runs first thing after stdio is set up, before any path is resolved;
// CloseStrayFds closes what setup opened since, in the command's child before chdir.
#pragma once

#include "sandbox/child_error.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

// REPORT_FD is moved above the preserved range first so a dup2 cannot clobber it;
// *report_fd is updated. A command-only user namespace's fd (*userns_fd, or -1) moves
// to CommandUsernsFd(*report_fd).
ChildError ArrangeFds(const ChildPlan& plan, int* report_fd, int* userns_fd);
// Closes every fd above the preserved range except REPORT_FD (which must be above it)
// and, with KEEP_USERNS, the fd next to it.
ChildError CloseStrayFds(const ChildPlan& plan, int report_fd, bool keep_userns = false);

inline int CommandUsernsFd(int report_fd) { return report_fd + 1; }

}  // namespace snaprun::sandbox
