#include "sandbox/cli/cli_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/JSON/Object.h>

#include <cstdio>
#include <ctime>
#include <sstream>

namespace snaprun::sandbox::cli {
namespace {

int log_fd = -1;
bool log_json = false;

}  // namespace

std::string NowRfc3339() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  tm utc{};
  gmtime_r(&now.tv_sec, &utc);
  char text[64];
  strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char nanos[16];
  snprintf(nanos, sizeof nanos, ".%09ldZ", now.tv_nsec);
  return std::string(text) + nanos;
}

void OpenCliLog(const std::string& path, const std::string& format) {
  if (path.empty()) return;
  log_fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) perror(("snaprun-sandbox: --log " + path).c_str());
  log_json = format == "json";
}

bool CliLogIsJson() { return log_fd >= 0 && log_json; }

namespace {

// LEVEL is logrus's name, which runc's drivers parse: "error", "warning".
void Log(const char* level, const std::string& message) {
  if (log_fd < 0) return;
  std::string line;
  if (log_json) {
    Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
    entry.set("level", level);
    entry.set("msg", message);
    entry.set("time", NowRfc3339());
    std::ostringstream out;
    entry.stringify(out);
    line = out.str() + "\n";
  } else {
    line = NowRfc3339() + " " + level + " " + message + "\n";
  }
  // One write: O_APPEND keeps concurrent writers' lines whole.
  if (write(log_fd, line.data(), line.size()) < 0) perror("snaprun-sandbox: --log");
}

// A container's monitor sends its stderr to a text --log (monitor.cc), so a message
// written to both would be in that log twice.
bool StderrIsTheLog() {
  struct stat err {}, log {};
  return log_fd >= 0 && fstat(2, &err) == 0 && fstat(log_fd, &log) == 0 &&
         err.st_dev == log.st_dev && err.st_ino == log.st_ino;
}

}  // namespace

void Complain(const std::string& message) {
  if (!StderrIsTheLog()) fprintf(stderr, "snaprun-sandbox: %s\n", message.c_str());
  Log("error", message);
}

void Warn(const std::string& message) {
  if (!StderrIsTheLog()) fprintf(stderr, "snaprun-sandbox: warning: %s\n", message.c_str());
  Log("warning", message);
}

}  // namespace snaprun::sandbox::cli
