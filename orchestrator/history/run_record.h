// A run as the history keeps it: identity, lifecycle state with the time each state
// was entered, outcome, resource usage and provenance. Invariants: the state only
// moves forward along the lifecycle (CanTransition), and the time of every state the
// run has passed through is set. Times are milliseconds since the Unix epoch, UTC.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// queued → preparing → running → harvesting → completed; failed, canceled, lost from
// any live state; timed_out from preparing, running and harvesting.
enum class RunState {
  kQueued,
  kPreparing,
  kRunning,
  kHarvesting,
  kCompleted,
  kFailed,
  kCanceled,
  kTimedOut,
  kLost,
};
inline constexpr size_t kRunStateCount = 9;

const char* RunStateName(RunState state);  // "queued", "timed_out", …
std::optional<RunState> ParseRunState(std::string_view name);
bool IsTerminal(RunState state);
bool CanTransition(RunState from, RunState to);
// kInvalidInput "run ID: cannot go from completed to running" when not allowed.
Result<void> CheckTransition(std::string_view id, RunState from, RunState to);

struct ResourceUsage {
  std::optional<int64_t> wall_ms;
  std::optional<int64_t> cpu_user_ms;
  std::optional<int64_t> cpu_sys_ms;
  std::optional<int64_t> peak_memory_bytes;
};

// Where the code came from, read by ReadGitProvenance (git_provenance.h).
struct GitProvenance {
  std::string remote_url;  // remote.origin.url, or empty
  std::string branch;      // empty when HEAD is detached
  std::string commit;      // full hash; empty in a repository without commits
  bool dirty = false;      // uncommitted changes, untracked files included
};

struct RunRecord {
  std::string id;  // NewRunId(): time-ordered, so newest-first is id order
  std::string name;
  std::string user;
  std::string host;
  RunState state = RunState::kQueued;
  std::array<std::optional<int64_t>, kRunStateCount> state_times_ms{};  // by RunState
  std::optional<int> exit_code;                                         // when the command exited
  std::optional<int> signal;  // when it was killed by a signal
  ResourceUsage usage;
  std::string spec_json = "{}";  // the resolved spec (spec_output.h)
  std::string snapshot_digest;   // "sha256:…", empty until known
  std::string image_digest;
  std::string outputs_digest;
  std::string isolation_json;  // what the sandbox applied, incl. fallbacks taken
  std::optional<int64_t> supervisor_pid;
  // The supervisor's start time in clock ticks since boot (/proc/PID/stat field 22):
  // with the pid it names one process, so a reused pid does not look alive.
  std::optional<uint64_t> supervisor_start_time;
  std::optional<GitProvenance> git;
  // A run made by `snaprun repro`: the id of the check (NewRunId()) and what the run
  // varied, as JSON (variation.h). Empty for ordinary runs.
  std::string repro_id;
  std::string variation_json;

  std::optional<int64_t> TimeOf(RunState s) const { return state_times_ms[static_cast<size_t>(s)]; }
};

// Milliseconds since the epoch, now.
int64_t NowMs();

}  // namespace snaprun::orchestrator
