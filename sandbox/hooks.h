// Running OCI hooks. A hook gets the container's state JSON on stdin, exactly its own
// env, and is killed when its timeout expires (the step then fails). Runtime-side
// hooks (prestart, createRuntime, poststart, poststop) run as children of the caller
// in its namespaces; container-side ones (createContainer, startContainer) first join
// the sandbox's namespaces through fds the supervisor opened before GO (user first, so the joins are
// permitted rootless; then a fork, so the pid namespace applies to the hook itself).
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"
#include "sandbox/config.h"
#include "sandbox/namespaces.h"

namespace snaprun::sandbox {

enum class HookKind {
  kPrestart,
  kCreateRuntime,
  kCreateContainer,
  kStartContainer,
  kPoststart,
  kPoststop
};
const char* HookKindName(HookKind kind);  // the config.json key: "createRuntime"

// Where poststart and poststop failures are reported (OCI: "log a warning"); stderr
// when empty. The CLI passes one that also writes its --log.
using HookWarning = std::function<void(const std::string& message)>;

// What the OCI state JSON says about the container besides its status and pid, and
// where the hooks' warnings go.
struct HookContext {
  std::string id;
  std::string bundle;
  std::vector<std::pair<std::string, std::string>> annotations;
  HookWarning warn = nullptr;  // for the supervisor's poststart and poststop hooks
};

// {"ociVersion", "id", "status", "pid", "bundle", "annotations"}; pid left out when 0.
std::string HookStateJson(const HookContext& context, const std::string& status, pid_t pid);

// Runs HOOKS in order and stops at the first failure, an error naming the kind, the
// index, the path and what happened (exit status or signal, and the hook's stderr).
Result<void> RunHooks(HookKind kind, const std::vector<Hook>& hooks, const std::string& state,
                      const std::vector<NamespaceFd>* join = nullptr);
// poststart and poststop: every hook runs; a failure is only a warning.
void RunHooksWarn(HookKind kind, const std::vector<Hook>& hooks, const std::string& state,
                  const HookWarning& warn = {});

}  // namespace snaprun::sandbox
