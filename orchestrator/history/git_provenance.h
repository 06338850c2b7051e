// Git provenance of a code directory, read by running `git` (never by parsing .git
// ourselves: worktrees, submodules and packed refs are git's business). No git on
// PATH, a directory outside any work tree, or git refusing the repository (e.g. its
// "dubious ownership" check) all give "no provenance", not an error.
#pragma once

#include <optional>
#include <string>

#include "orchestrator/history/run_record.h"

namespace snaprun::orchestrator {

std::optional<GitProvenance> ReadGitProvenance(const std::string& dir);

// The start time of process PID in clock ticks since boot (/proc/PID/stat field 22);
// nullopt when there is no such process. With the pid it identifies the process, so
// a supervisor whose pid was reused is seen to be gone.
std::optional<uint64_t> ReadProcessStartTime(pid_t pid);

}  // namespace snaprun::orchestrator
