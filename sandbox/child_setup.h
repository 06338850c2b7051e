// The child's side of clone(), in order. This is the one place that knows the step
// order; every ordering constraint carries a one-line reason. Nothing here allocates:
// failures go to the supervisor as one frame, then _exit.
#pragma once

#include <sys/types.h>

#include "sandbox/child_error.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

struct ChildChannel {
  int report_fd = -1;  // SOCK_SEQPACKET: GO comes in, frames go out
  int stdin_fd = -1;
  int stdout_fd = 1;
  int stderr_fd = 2;
  pid_t parent_pid = 0;  // the supervisor, for the getppid() check
};

[[noreturn]] void RunChild(const ChildPlan& plan, const ChildChannel& channel);

// The pty on the container's own devpts (/dev/ptmx → pts/ptmx; call it inside the
// container's mount namespace), its slave owned by the command's user as a login
// terminal would be. Async-signal-safe.
ChildError OpenTerminal(const ChildPlan& plan, int* master, int* slave);

}  // namespace snaprun::sandbox
