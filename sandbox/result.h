// RunResult: what one sandboxed run did — exit code or signal, timeout, wall and CPU
// time, peak memory, the isolation steps that ran, fallbacks taken and how each
// limit was enforced — and its JSON form (Poco::JSON).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snaprun::sandbox {

struct RunResult {
  std::optional<int> exit_code;  // set when the command exited normally
  int signal = 0;                // set when a signal ended it
  bool timed_out = false;
  int64_t wall_ms = 0;
  int64_t cpu_user_ms = 0;
  int64_t cpu_system_ms = 0;
  int64_t peak_rss_kb = 0;  // largest RSS of any process in the sandbox
  // From the sandbox's cgroup, when it had one: peak memory of the whole sandbox
  // and whether the kernel's OOM killer ended a process in it.
  std::optional<uint64_t> cgroup_memory_peak_bytes;
  bool oom_killed = false;
  std::vector<std::string> steps;
  std::vector<std::string> fallbacks;
  std::vector<std::string> limits;

  // What a shell reports: the exit code, or 128+signal.
  int ShellStatus() const { return exit_code ? *exit_code : 128 + signal; }
};

std::string RunResultToJson(const RunResult& result);
// {"error": MESSAGE}: the result file of a run that never started its command.
std::string ErrorResultJson(const std::string& message);

}  // namespace snaprun::sandbox
