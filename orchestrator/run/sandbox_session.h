// Running the prepared sandbox as the supervisor: the command's stdout and stderr go
// through pipes into the console log (and to our terminal when echoing), a watcher
// turns a cancel request into SIGTERM → grace → SIGKILL of the sandbox and a write
// budget overrun (write_budget.h) into SIGKILL at once, and the result
// comes back once init has exited and both pipes are drained. The sandbox is started
// from the calling thread, which must live until it ends (PDEATHSIG follows the thread).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/run/write_budget.h"
#include "sandbox/base/error.h"
#include "sandbox/config.h"
#include "sandbox/result.h"

namespace snaprun::orchestrator {

struct SessionOutcome {
  sandbox::RunResult result;
  bool canceled = false;
  std::optional<std::string> stopped_for;  // the budget the run went over
};

// What the supervisor checks while the run writes.
struct SessionBudgets {
  std::vector<WriteBudget> budgets;
  std::string free_space_path;  // the filesystem that keeps kMinFreeBytes
};

// ON_STARTED runs once the sandbox is running (to record the state); its error kills
// the sandbox and is returned.
Result<SessionOutcome> RunSandboxSession(sandbox::Config config, const std::string& console_log,
                                         bool echo, const SessionBudgets& budgets,
                                         const std::function<Result<void>()>& on_started);

}  // namespace snaprun::orchestrator
