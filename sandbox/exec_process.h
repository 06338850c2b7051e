// A new process inside a running sandbox (`exec`). A helper forked here is put into the
// sandbox's cgroup (JOIN_CGROUP, before anything runs in it), joins the namespaces in
// order, then forks the process — only a child of a setns(pid) caller is in the pid
// namespace — and exits. The process runs the same steps as the sandbox's own command
// (RunCommandChild: ids, fds, cwd, rlimits, capabilities, no_new_privs, seccomp, exec).
// Being in the sandbox's pid namespace, it is killed when the sandbox's init exits.
#pragma once

#include <sys/types.h>

#include <functional>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/namespaces.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

struct ExecTarget {
  const std::vector<NamespaceFd>* namespaces = nullptr;  // join order
  // Moves the helper (a host pid) into the sandbox's cgroup; empty when it has none.
  std::function<Result<void>(pid_t)> join_cgroup;
};

struct SpawnedProcess {
  pid_t pid = -1;     // a host pid
  UniqueFd terminal;  // plan.terminal: the master of the pty opened in the container
};

// Returns once the process has exec'd; setup failures are one Error. A caller that set
// PR_SET_CHILD_SUBREAPER gets the process as its child (the helper has been reaped by
// then); otherwise it is reparented to the caller's reaper.
Result<SpawnedProcess> SpawnInSandbox(const ChildPlan& plan, const ExecTarget& target);

}  // namespace snaprun::sandbox
