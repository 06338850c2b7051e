#include "orchestrator/history/run_record.h"

#include <chrono>

namespace snaprun::orchestrator {
namespace {

constexpr std::array<const char*, kRunStateCount> kNames = {"queued",     "preparing", "running",
                                                            "harvesting", "completed", "failed",
                                                            "canceled",   "timed_out", "lost"};

}  // namespace

const char* RunStateName(RunState state) { return kNames[static_cast<size_t>(state)]; }

std::optional<RunState> ParseRunState(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) return static_cast<RunState>(i);
  }
  return std::nullopt;
}

bool IsTerminal(RunState state) { return state >= RunState::kCompleted; }

bool CanTransition(RunState from, RunState to) {
  using S = RunState;
  if (IsTerminal(from)) return false;
  switch (to) {
    case S::kQueued:
      return false;
    case S::kPreparing:
      return from == S::kQueued;
    case S::kRunning:
      return from == S::kPreparing;
    case S::kHarvesting:
      return from == S::kRunning;
    case S::kCompleted:
      return from == S::kHarvesting;
    case S::kTimedOut:
      return from != S::kQueued;
    case S::kFailed:
    case S::kCanceled:
    case S::kLost:
      return true;
  }
  return false;
}

Result<void> CheckTransition(std::string_view id, RunState from, RunState to) {
  if (CanTransition(from, to)) return Ok();
  return Error(ErrorCode::kInvalidInput, "run " + std::string(id) + ": cannot go from " +
                                             RunStateName(from) + " to " + RunStateName(to));
}

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace snaprun::orchestrator
