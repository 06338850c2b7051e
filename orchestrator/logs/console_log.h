// The console log of a run: the command's stdout and stderr, one record per line,
// stamped with the UTC time the line was read and the stream it came from:
//   2026-11-27T03:10:00.123456Z out hello
// Each record is written with one write(2) on an O_APPEND file as soon as its line is
// complete, so a supervisor that dies mid-run loses no line it had read.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {

enum class ConsoleStream { kOut, kErr };

struct ConsoleRecord {
  std::chrono::system_clock::time_point time;
  ConsoleStream stream = ConsoleStream::kOut;
  std::string text;  // without the newline
};

std::string FormatConsoleRecord(const ConsoleRecord& record);
// Parses one line of console.log; kCorrupt when it is not a record.
Result<ConsoleRecord> ParseConsoleRecord(std::string_view line);

// Lines longer than this are split into several records, so a command that never
// prints a newline cannot grow the supervisor's memory without bound.
inline constexpr size_t kMaxConsoleLine = 64 * 1024;

class ConsoleRecorder {
 public:
  // Opens (creating, appending) the console log at PATH. When ECHO is set, the raw
  // bytes are also copied to this process's stdout/stderr as they arrive.
  static Result<ConsoleRecorder> Open(const std::string& path, bool echo);

  // Reads both pipes until both reach end of file, recording every line; a final
  // line without a newline is recorded too.
  Result<void> Pump(int stdout_fd, int stderr_fd);

 private:
  ConsoleRecorder(UniqueFd log, bool echo) : log_(std::move(log)), echo_(echo) {}
  Result<void> Append(ConsoleStream stream, std::string_view text);

  UniqueFd log_;
  bool echo_;
};

}  // namespace snaprun::orchestrator
