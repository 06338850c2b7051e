// The container's monitor: the process `create` leaves behind (its own session, its
// stdio on /dev/null). It is the sandbox's supervisor — parent of init, holder of the
// pidfd and the report channel — and serves `start` and `kill` on DIR/ctl.sock until
// init exits, then writes the final status. The container's init dies with it
// (PDEATHSIG), and its monitor.lock says so to every later reader.
#pragma once

#include <string>

#include "sandbox/cli/container_state.h"
#include "sandbox/config.h"

namespace snaprun::sandbox::cli {

struct MonitorArgs {
  std::string dir;         // the container's state directory
  ContainerRecord record;  // id, bundle, annotations, created; the rest is filled in
  Config config;           // stdio: the caller's fds, which the container inherits
  int ready_fd = -1;       // "ok PID" or "error MESSAGE", then closed
  std::string log_file;    // the monitor's own diagnostics; /dev/null when empty
  std::string console_socket;  // process.terminal: where the pty master is sent
};

[[noreturn]] void RunMonitor(MonitorArgs args);

}  // namespace snaprun::sandbox::cli
