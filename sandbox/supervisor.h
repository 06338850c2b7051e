// The supervisor: builds the plan, clones the child into its namespaces (clone3 with
// CLONE_PIDFD, clone() where clone3 is missing), writes the id maps, says GO, then
// waits — enforcing the wall-clock timeout (SIGTERM, grace, SIGKILL) — and turns the
// child's frames and wait4() rusage into a RunResult or one Error. Start and wait
// are separate so `create`/`start` can later split them across two invocations.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"
#include "sandbox/cgroup.h"
#include "sandbox/config.h"
#include "sandbox/plan.h"
#include "sandbox/result.h"

namespace snaprun::sandbox {

// A started sandbox: its init, a pidfd that cannot be confused with a recycled pid,
// and the report socket.
struct SandboxProcess {
  pid_t pid = -1;
  UniqueFd pidfd;
  UniqueFd report;
  std::chrono::steady_clock::time_point started;
  std::unique_ptr<ChildPlan> plan;  // kept alive: it is the child's copy's origin
  bool clone3_fallback = false;
  // The sandbox's cgroup when config.resources asked for limits and one could be
  // made; removed (its processes killed) when the process is destroyed.
  std::unique_ptr<Cgroup> cgroup;
  std::vector<std::string> cgroup_limits;  // how each limit is enforced
  std::string cgroup_fallback;             // why there is none, when limits fell back

  SandboxProcess() = default;
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;
  ~SandboxProcess();
};

Result<std::unique_ptr<SandboxProcess>> StartSandbox(const Config& config);
Result<RunResult> WaitSandbox(SandboxProcess& process, const Config& config);
// Start + wait.
Result<RunResult> RunSandbox(const Config& config);

}  // namespace snaprun::sandbox
