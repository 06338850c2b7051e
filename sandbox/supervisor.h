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
#include "sandbox/hooks.h"
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
  // OCI hooks of the config and what their state JSON names.
  Hooks hooks;
  HookContext hook_context;
  UniqueFd terminal;  // process.terminal: the pty master, once AwaitSetup has it
  // Init's namespaces, opened before GO, for joining them later: exec (with
  // keep_namespaces) and the createContainer/startContainer hooks.
  std::vector<NamespaceFd> namespaces;
  // The command-only user namespace, until the child has inherited it.
  UniqueFd command_user_ns;

  SandboxProcess() = default;
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;
  ~SandboxProcess();
};

struct StartOptions {
  bool wait_for_start = false;  // stop after setup until SendStart
  bool keep_namespaces = false;  // open init's namespaces (SandboxProcess::namespaces)
  HookContext hooks;             // id, bundle, annotations for the hooks' state JSON
};

// One more fd the wait loop watches (a monitor's control socket); ON_READABLE runs
// each time it polls readable.
struct WaitHook {
  int fd = -1;
  std::function<void()> on_readable;
};

Result<std::unique_ptr<SandboxProcess>> StartSandbox(const Config& config,
                                                     const StartOptions& options = {});
// Blocks until the child has finished every setup step (or failed, or died). Runs the
// createContainer hooks when init stops for them; a failing one kills init.
Result<void> AwaitSetup(SandboxProcess& process);
// Lets a wait_for_start child go on to run the command, running the startContainer
// hooks first (a failing one kills init).
Result<void> SendStart(SandboxProcess& process);
// Signals init through its pidfd.
Result<void> SignalSandbox(const SandboxProcess& process, int sig);
Result<RunResult> WaitSandbox(SandboxProcess& process, const Config& config,
                              const WaitHook& hook = {});
// Runs once setup is done, before the command may start (a terminal handed on).
using AfterSetup = std::function<Result<void>(SandboxProcess&)>;

// Start + wait. With hooks in the config: create, start, poststart, wait, poststop,
// each hook's state JSON naming CONTEXT. AFTER_SETUP runs between create and start.
Result<RunResult> RunSandbox(const Config& config, const HookContext& context = {},
                             const AfterSetup& after_setup = {});

}  // namespace snaprun::sandbox
