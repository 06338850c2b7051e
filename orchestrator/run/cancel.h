// Cancellation of a run by its supervisor: SIGTERM, SIGINT or SIGHUP to the supervisor
// (`snaprun cancel`, Ctrl-C) sets a flag and wakes a pipe. Before the sandbox runs the
// lifecycle checks the flag between steps; while it runs, a watcher forwards SIGTERM to
// the sandbox's init (which forwards it to the command) and SIGKILLs after the grace.
// SIGPIPE is caught too, so a closed terminal does not kill the supervisor.
// A handler, not a blocked mask: the sandbox inherits the mask across clone, and the
// command must not start with SIGTERM blocked.
#pragma once

namespace snaprun::orchestrator {

// Installs the handlers (SA_RESTART) and creates the wake-up pipe. Idempotent.
void InstallCancelHandlers();
bool CancelRequested();
// Readable once a cancel signal arrived; -1 before InstallCancelHandlers.
int CancelFd();

}  // namespace snaprun::orchestrator
