// Running the prepared sandbox as the supervisor: the command's stdout and stderr go
// through pipes into the console log (and to our terminal when echoing), a watcher
// turns a cancel request into SIGTERM → grace → SIGKILL of the sandbox, and the result
// comes back once init has exited and both pipes are drained. The sandbox is started
// from the calling thread, which must live until it ends (PDEATHSIG follows the thread).
#pragma once

#include <functional>
#include <string>

#include "sandbox/base/error.h"
#include "sandbox/config.h"
#include "sandbox/result.h"

namespace snaprun::orchestrator {

struct SessionOutcome {
  sandbox::RunResult result;
  bool canceled = false;
};

// ON_STARTED runs once the sandbox is running (to record the state); its error kills
// the sandbox and is returned.
Result<SessionOutcome> RunSandboxSession(sandbox::Config config, const std::string& console_log,
                                         bool echo,
                                         const std::function<Result<void>()>& on_started);

}  // namespace snaprun::orchestrator
