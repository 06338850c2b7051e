#include "orchestrator/logs/console_log.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "sandbox/base/syscall.h"

namespace snaprun::orchestrator {
namespace {

constexpr std::string_view kOutTag = "out";
constexpr std::string_view kErrTag = "err";

std::string FormatTime(std::chrono::system_clock::time_point time) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch());
  std::time_t seconds = static_cast<std::time_t>(micros.count() / 1000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[96];  // generous: the compiler cannot bound tm fields
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(micros.count() % 1000000));
  return buf;
}

Result<std::chrono::system_clock::time_point> ParseTime(std::string_view text) {
  std::tm utc{};
  long long micros = 0;
  std::string copy(text);
  int consumed = 0;
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%6lldZ%n", &utc.tm_year, &utc.tm_mon,
                  &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &micros,
                  &consumed) != 7 ||
      consumed != static_cast<int>(copy.size())) {
    return Error(ErrorCode::kCorrupt, "bad timestamp '" + copy + "'");
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  auto seconds = std::chrono::system_clock::from_time_t(timegm(&utc));
  return seconds + std::chrono::microseconds(micros);
}

void Echo(ConsoleStream stream, std::string_view bytes) {
  int fd = stream == ConsoleStream::kOut ? STDOUT_FILENO : STDERR_FILENO;
  while (!bytes.empty()) {
    ssize_t n = RetryOnEintr([&] { return ::write(fd, bytes.data(), bytes.size()); });
    if (n <= 0) return;  // a closed terminal must not stop the recording
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

// Per-stream line assembly: complete lines are handed out, the tail is kept.
struct PendingLine {
  int fd;
  ConsoleStream stream;
  std::string partial;
};

}  // namespace

std::string FormatConsoleRecord(const ConsoleRecord& record) {
  std::string line = FormatTime(record.time);
  line += ' ';
  line += record.stream == ConsoleStream::kOut ? kOutTag : kErrTag;
  line += ' ';
  line += record.text;
  line += '\n';
  return line;
}

Result<ConsoleRecord> ParseConsoleRecord(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  size_t first = line.find(' ');
  if (first == std::string_view::npos || line.size() < first + 4 || line[first + 4] != ' ') {
    return Error(ErrorCode::kCorrupt, "not a console record: '" + std::string(line) + "'");
  }
  ConsoleRecord record;
  record.time = SNAPRUN_TRY(ParseTime(line.substr(0, first)));
  std::string_view tag = line.substr(first + 1, 3);
  if (tag == kOutTag) {
    record.stream = ConsoleStream::kOut;
  } else if (tag == kErrTag) {
    record.stream = ConsoleStream::kErr;
  } else {
    return Error(ErrorCode::kCorrupt, "unknown console stream '" + std::string(tag) + "'");
  }
  record.text = std::string(line.substr(first + 5));
  return record;
}

Result<ConsoleRecorder> ConsoleRecorder::Open(const std::string& path, bool echo) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd) return Error::FromErrno("open", path);
  return ConsoleRecorder(std::move(fd), echo);
}

Result<void> ConsoleRecorder::Append(ConsoleStream stream, std::string_view text) {
  std::string record =
      FormatConsoleRecord({std::chrono::system_clock::now(), stream, std::string(text)});
  ssize_t n = RetryOnEintr([&] { return ::write(log_.get(), record.data(), record.size()); });
  if (n < 0) return Error::FromErrno("write", "console log");
  if (static_cast<size_t>(n) != record.size()) {
    return Error(ErrorCode::kSystem, "write console log: short write (disk full?)", ENOSPC);
  }
  return Ok();
}

Result<void> ConsoleRecorder::Pump(int stdout_fd, int stderr_fd) {
  PendingLine lines[2] = {{stdout_fd, ConsoleStream::kOut, {}}, {stderr_fd, ConsoleStream::kErr, {}}};
  char buf[65536];
  while (lines[0].fd >= 0 || lines[1].fd >= 0) {
    pollfd fds[2] = {{lines[0].fd, POLLIN, 0}, {lines[1].fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return Error::FromErrno("poll", "console pipes");
    }
    for (int i = 0; i < 2; ++i) {
      PendingLine& line = lines[i];
      if (line.fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = RetryOnEintr([&] { return ::read(line.fd, buf, sizeof buf); });
      if (n <= 0) {
        if (!line.partial.empty()) SNAPRUN_TRY(Append(line.stream, line.partial));
        line.partial.clear();
        line.fd = -1;
        continue;
      }
      std::string_view chunk(buf, static_cast<size_t>(n));
      if (echo_) Echo(line.stream, chunk);
      for (size_t nl; (nl = chunk.find('\n')) != std::string_view::npos;) {
        line.partial.append(chunk.substr(0, nl));
        SNAPRUN_TRY(Append(line.stream, line.partial));
        line.partial.clear();
        chunk.remove_prefix(nl + 1);
      }
      line.partial.append(chunk);
      while (line.partial.size() >= kMaxConsoleLine) {
        SNAPRUN_TRY(Append(line.stream, std::string_view(line.partial).substr(0, kMaxConsoleLine)));
        line.partial.erase(0, kMaxConsoleLine);
      }
    }
  }
  return Ok();
}

}  // namespace snaprun::orchestrator
