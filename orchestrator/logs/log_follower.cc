#include "orchestrator/logs/log_follower.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "orchestrator/logs/console_log.h"
#include "sandbox/base/syscall.h"

namespace snaprun::orchestrator {
namespace {

constexpr uint32_t kDirEvents = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO;
constexpr int kStopCheckMillis = 100;

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

// Console records carry their own timestamp and stream; the follower shows the text.
std::string ConsoleText(const std::string& line) {
  Result<ConsoleRecord> record = ParseConsoleRecord(line);
  if (!record) return line;
  return record->stream == ConsoleStream::kErr ? "[stderr] " + record->text : record->text;
}

}  // namespace

LogFollower::LogFollower(UniqueFd inotify, std::string console_path, std::string logs_dir)
    : inotify_(std::move(inotify)),
      console_path_(std::move(console_path)),
      logs_dir_(std::move(logs_dir)) {}

Result<LogFollower> LogFollower::Open(std::string console_path, std::string logs_dir) {
  UniqueFd fd(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!fd) return Error::FromErrno("inotify_init1", "log follower");
  LogFollower follower(std::move(fd), std::move(console_path), std::move(logs_dir));
  // The run directory holds the console log; watching it also sees logs/ appear.
  follower.WatchTree(ParentOf(follower.console_path_));
  follower.WatchTree(follower.logs_dir_);
  return follower;
}

void LogFollower::WatchTree(const std::string& dir) {
  for (const auto& [wd, path] : watched_) {
    if (path == dir) return;
  }
  // A directory that does not exist yet is watched once its parent reports it.
  int wd = ::inotify_add_watch(inotify_.get(), dir.c_str(), kDirEvents | IN_ONLYDIR);
  if (wd < 0) return;
  watched_[wd] = dir;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* entry = ::readdir(d)) {
      std::string name = entry->d_name;
      if (name == "." || name == ".." || entry->d_type != DT_DIR) continue;
      if (dir.rfind(logs_dir_, 0) == 0) WatchTree(dir + "/" + name);
    }
    ::closedir(d);
  }
}

void LogFollower::DrainFile(const std::string& path, const std::string& source, const Emit& emit,
                            bool final) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) return;
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  Tail& tail = tails_[path];
  if (static_cast<uint64_t>(st.st_size) < tail.offset) tail = Tail{};  // truncated: start over
  char buf[65536];
  for (;;) {
    ssize_t n = RetryOnEintr(
        [&] { return ::pread(fd.get(), buf, sizeof buf, static_cast<off_t>(tail.offset)); });
    if (n <= 0) break;
    tail.offset += static_cast<uint64_t>(n);
    tail.partial.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = tail.partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string line = tail.partial.substr(start, nl - start);
      emit({source, source == "console" ? ConsoleText(line) : line});
    }
    tail.partial.erase(0, start);
  }
  if (final && !tail.partial.empty()) {
    emit({source, source == "console" ? ConsoleText(tail.partial) : tail.partial});
    tail.partial.clear();
  }
}

void LogFollower::ScanDirectory(const std::string& dir, const std::string& prefix,
                                const Emit& emit, bool final) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::map<std::string, unsigned char> entries;  // sorted, so output order is stable
  while (dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") entries[name] = entry->d_type;
  }
  ::closedir(d);
  for (const auto& [name, type] : entries) {
    std::string path = dir + "/" + name;
    if (type == DT_DIR) {
      WatchTree(path);
      ScanDirectory(path, prefix + name + "/", emit, final);
    } else if (type == DT_REG) {
      DrainFile(path, prefix + name, emit, final);
    }
  }
}

void LogFollower::Drain(const Emit& emit, bool final) {
  DrainFile(console_path_, "console", emit, final);
  WatchTree(logs_dir_);
  ScanDirectory(logs_dir_, "", emit, final);
}

Result<void> LogFollower::Run(const Emit& emit, const Stop& stop, bool follow) {
  Drain(emit, !follow);
  if (!follow) return Ok();
  alignas(inotify_event) char events[8192];
  while (!stop()) {
    pollfd pfd{inotify_.get(), POLLIN, 0};
    int ready = ::poll(&pfd, 1, kStopCheckMillis);
    if (ready < 0 && errno != EINTR) return Error::FromErrno("poll", "inotify");
    // The events only wake us; what changed is read from the files themselves.
    while (::read(inotify_.get(), events, sizeof events) > 0) {
    }
    Drain(emit, false);
  }
  Drain(emit, true);
  return Ok();
}

}  // namespace snaprun::orchestrator
