// The runc flags `run` and `create` share: --preserve-fds N, --no-pivot and
// --no-new-keyring, plus systemd socket activation (LISTEN_FDS with LISTEN_PID naming
// this process): those fds pass through first, then the preserved ones, all from 3 up,
// and the command sees LISTEN_FDS=N and LISTEN_PID=1 as under runc.
#pragma once

#include <CLI/CLI.hpp>

#include "sandbox/base/error.h"
#include "sandbox/config.h"

namespace snaprun::sandbox::cli {

struct RuntimeFlags {
  int preserve_fds = 0;
  bool no_pivot = false;
  bool no_new_keyring = false;
};

void AddRuntimeFlags(CLI::App* cmd, RuntimeFlags& flags);
// Fails naming the fd when one to pass through is not open.
Result<void> ApplyRuntimeFlags(const RuntimeFlags& flags, Config& config);

}  // namespace snaprun::sandbox::cli
