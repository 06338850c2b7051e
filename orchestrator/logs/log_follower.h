// Follows a run's logs live: its console log and every file under its logs/
// directory (recursively), handing out each new complete line as it is written.
// inotify wakes the follower on every write, so a line is seen within
// milliseconds; the stop condition is checked at least every 100 ms.
// Files are read from the offset last seen; a file found shorter than that offset
// (truncated) is read again from the start. As with tail -f, a file truncated and
// rewritten past its old size between two looks is not noticed: logs are appended.
// logs/ is written by the sandbox while it is read here: every entry is opened
// relative to its directory's fd, one component at a time, never through a
// symlink (a directory swapped for a link to /root mid-run is not followed), and
// only regular files are read; directories nest at most kMaxLogDepth deep.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {

inline constexpr int kMaxLogDepth = 32;

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
  void Watch(const std::string& path);
  void Drain(const Emit& emit, bool final);
  void DrainFd(int fd, const std::string& source, const Emit& emit, bool final);
  void ScanDirectory(int dir_fd, const std::string& prefix, int depth, const Emit& emit,
                     bool final);

  UniqueFd inotify_;
  std::string console_path_;
  std::string logs_dir_;
  std::map<std::string, Tail> tails_;  // by source
};

}  // namespace snaprun::orchestrator
