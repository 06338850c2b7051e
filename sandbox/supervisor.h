// The supervisor: builds the plan, clones the child into its namespaces (clone3 with
// CLONE_PIDFD, clone() where clone3 is missing), writes the id maps, says GO, then
// waits — enforcing the wall-clock timeout (SIGTERM, grace, SIGKILL) — and turns the
// child's frames and wait4() rusage into a RunResult or one Error. With
// wait_for_start the child stops after its last setup step until SendStart (the
// `create`/`start` split); the command never runs before that.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"
#include "sandbox/cgroup.h"
#include "sandbox/child_report.h"
#include "sandbox/config.h"
#include "sandbox/namespaces.h"
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
  std::optional<ChildFrame> setup_done;    // the progress frame AwaitSetup consumed
  UniqueFd terminal;  // process.terminal: the pty master, once AwaitSetup has it
  // With keep_namespaces: init's namespaces, for joining them later (exec).
  std::vector<NamespaceFd> namespaces;

  SandboxProcess() = default;
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;
  ~SandboxProcess();
};

struct StartOptions {
  bool wait_for_start = false;  // stop after setup until SendStart
  bool keep_namespaces = false;  // open init's namespaces (SandboxProcess::namespaces)
};

// One more fd the wait loop watches (a monitor's control socket); ON_READABLE runs
// each time it polls readable.
struct WaitHook {
  int fd = -1;
  std::function<void()> on_readable;
};

Result<std::unique_ptr<SandboxProcess>> StartSandbox(const Config& config,
                                                     const StartOptions& options = {});
// Blocks until the child has finished every setup step (or failed, or died).
Result<void> AwaitSetup(SandboxProcess& process);
// Lets a wait_for_start child go on to run the command.
Result<void> SendStart(SandboxProcess& process);
// Signals init through its pidfd.
Result<void> SignalSandbox(const SandboxProcess& process, int sig);
Result<RunResult> WaitSandbox(SandboxProcess& process, const Config& config,
                              const WaitHook& hook = {});
// Start + wait.
Result<RunResult> RunSandbox(const Config& config);

}  // namespace snaprun::sandbox
