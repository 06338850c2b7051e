// Lost-run detection: a run in preparing, running or harvesting whose supervisor (pid
// plus /proc/PID/stat start time, so a reused pid does not count) is gone can never
// finish; it is marked `lost`, its logs and run directory kept. Every snaprun command
// runs this first. The sandbox dies with its supervisor (PDEATHSIG) and its mounts
// live only in its own mount namespace, so a lost run leaves nothing else behind.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "orchestrator/history/history_store.h"
#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {

// Whether the process PID that started at START_TIME (clock ticks) still exists.
bool SupervisorAlive(std::optional<int64_t> pid, std::optional<uint64_t> start_time);

// A pidfd for the supervisor PID, opened only when that process is the one that
// started at START_TIME. The pidfd is opened before the start time is read, so a
// match proves it names the recorded process; a signal sent through it can then
// never reach a process that reused the pid. kNotFound when the supervisor is gone.
Result<UniqueFd> OpenSupervisor(int64_t pid, uint64_t start_time);

// Marks every lost run; returns how many were marked.
Result<size_t> MarkLostRuns(HistoryStore& history);

}  // namespace snaprun::orchestrator
