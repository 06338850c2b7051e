// The sandbox's pid 1. It forks the command, reaps every process that ends up as
// its child (orphaned grandchildren included), forwards SIGTERM, SIGINT, SIGHUP,
// SIGUSR1, SIGUSR2 and SIGQUIT to the command, and exits when the command does.
// A signal death is mirrored as exit status 128+signal — pid 1 cannot re-raise a
// signal on itself (the kernel drops it) — and the exact wait status is sent to the
// supervisor as an exit frame, so the result still names the signal.
#pragma once

#include "sandbox/plan.h"

namespace snaprun::sandbox {

// Forks the command (which runs RunCommandChild) and supervises it. Never returns.
// TERMINAL_FD (-1: none) is the pty slave the command takes as its terminal; init
// closes its own copy once the command is forked, so the master sees the hang-up.
[[noreturn]] void RunInit(const ChildPlan& plan, int report_fd, int terminal_fd = -1);

// The forked command's half: ids, cwd, umask, rlimits, fds, capabilities,
// no_new_privs, seccomp, exec. Never returns; a failure is one frame then _exit(127).
[[noreturn]] void RunCommandChild(const ChildPlan& plan, int report_fd, int terminal_fd = -1);

// Init's exit status for a command wait STATUS.
int InitExitCode(int wait_status);

}  // namespace snaprun::sandbox
