#include "orchestrator/run/lost_runs.h"

#include <sys/syscall.h>
#include <unistd.h>

#include "orchestrator/history/git_provenance.h"

namespace snaprun::orchestrator {

bool SupervisorAlive(std::optional<int64_t> pid, std::optional<uint64_t> start_time) {
  // A live run records its supervisor together with the state change that makes it
  // live, so a missing pid means the record itself is from an older build: keep it.
  if (!pid || !start_time) return true;
  std::optional<uint64_t> now = ReadProcessStartTime(static_cast<pid_t>(*pid));
  return now && *now == *start_time;
}

Result<UniqueFd> OpenSupervisor(int64_t pid, uint64_t start_time) {
  std::string what = "supervisor pid " + std::to_string(pid);
  UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0)));
  if (!fd) {
    if (errno == ESRCH) return Error(ErrorCode::kNotFound, what + " has exited");
    return Error::FromErrno("pidfd_open", what);
  }
  std::optional<uint64_t> now = ReadProcessStartTime(static_cast<pid_t>(pid));
  if (!now || *now != start_time) {
    return Error(ErrorCode::kNotFound, what + " has exited (the pid now names another process)");
  }
  return fd;
}

Result<size_t> MarkLostRuns(HistoryStore& history) {
  size_t marked = 0;
  for (RunState state : {RunState::kPreparing, RunState::kRunning, RunState::kHarvesting}) {
    ListQuery query;
    query.state = state;
    query.limit = 1000;
    auto runs = SNAPRUN_TRY(history.List(query));
    for (const RunRecord& run : runs) {
      if (SupervisorAlive(run.supervisor_pid, run.supervisor_start_time)) continue;
      auto updated = history.Update(run.id, StateChange(RunState::kLost));
      // The supervisor may have ended the run between our read and write: not lost.
      if (!updated && updated.error().code() != ErrorCode::kInvalidInput) {
        return std::move(updated).error();
      }
      if (updated) ++marked;
    }
  }
  return marked;
}

}  // namespace snaprun::orchestrator
