// Follows a run's logs live: its console log and every file under its logs/
// directory (recursively), handing out each new complete line as it is written.
// inotify wakes the follower on every write, so a line is seen within
// milliseconds; the stop condition is checked at least every 100 ms.
// Files are read from the offset last seen; a file found shorter than that offset
// (truncated) is read again from the start. As with tail -f, a file truncated and
// rewritten past its old size between two looks is not noticed: logs are appended.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {

struct FollowedLine {
  std::string source;  // "console", or the path relative to logs/ ("train/metrics.jsonl")
  std::string text;    // the line without its newline
};

class LogFollower {
 public:
  using Emit = std::function<void(const FollowedLine&)>;
  using Stop = std::function<bool()>;

  // Either path may not exist yet; it is picked up when it appears.
  static Result<LogFollower> Open(std::string console_path, std::string logs_dir);

  // Emits every line already written. With FOLLOW, keeps emitting new lines until
  // STOP returns true, then drains what is left (a last line without a newline too).
  Result<void> Run(const Emit& emit, const Stop& stop, bool follow);

 private:
  LogFollower(UniqueFd inotify, std::string console_path, std::string logs_dir);
  struct Tail {
    uint64_t offset = 0;
    std::string partial;
  };
  void WatchTree(const std::string& dir);
  void Drain(const Emit& emit, bool final);
  void DrainFile(const std::string& path, const std::string& source, const Emit& emit,
                 bool final);
  void ScanDirectory(const std::string& dir, const std::string& prefix, const Emit& emit,
                     bool final);

  UniqueFd inotify_;
  std::string console_path_;
  std::string logs_dir_;
  std::map<std::string, Tail> tails_;      // by host path
  std::map<int, std::string> watched_;     // watch descriptor → directory
};

}  // namespace snaprun::orchestrator
