#include "orchestrator/logs/log_follower.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "orchestrator/logs/console_log.h"
#include "orchestrator/store/fs_at.h"
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
  follower.Watch(ParentOf(follower.console_path_));
  return follower;
}

// Watches wake the follower only; a watch on an inode already watched is a no-op.
void LogFollower::Watch(const std::string& path) {
  ::inotify_add_watch(inotify_.get(), path.c_str(), kDirEvents | IN_ONLYDIR);
}

void LogFollower::DrainFd(int fd, const std::string& source, const Emit& emit, bool final) {
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
  Tail& tail = tails_[source];
  if (static_cast<uint64_t>(st.st_size) < tail.offset) tail = Tail{};  // truncated: start over
  char buf[65536];
  for (;;) {
    ssize_t n = RetryOnEintr(
        [&] { return ::pread(fd, buf, sizeof buf, static_cast<off_t>(tail.offset)); });
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

void LogFollower::ScanDirectory(int dir_fd, const std::string& prefix, int depth,
                                const Emit& emit, bool final) {
  Watch("/proc/self/fd/" + std::to_string(dir_fd));  // this very directory, not a path
  UniqueFd listing(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
  DIR* d = listing ? ::fdopendir(listing.get()) : nullptr;
  if (d == nullptr) return;
  listing.Release();
  ::rewinddir(d);
  std::set<std::string> names;  // sorted, so output order is stable
  while (dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.insert(name);
  }
  ::closedir(d);
  for (const std::string& name : names) {
    // One component beneath DIR_FD, never through a symlink; a FIFO does not block.
    auto child = OpenBeneath(dir_fd, name, O_RDONLY | O_NONBLOCK, "logs/" + prefix);
    if (!child) continue;
    struct stat st{};
    if (::fstat(child->get(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode) && depth < kMaxLogDepth) {
      ScanDirectory(child->get(), prefix + name + "/", depth + 1, emit, final);
    } else if (S_ISREG(st.st_mode)) {
      DrainFd(child->get(), prefix + name, emit, final);
    }
  }
}

void LogFollower::Drain(const Emit& emit, bool final) {
  // The console log and logs/ itself are the supervisor's; what is inside logs/ is not.
  UniqueFd console(::open(console_path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (console) DrainFd(console.get(), "console", emit, final);
  UniqueFd logs(::open(logs_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (logs) ScanDirectory(logs.get(), "", 0, emit, final);
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
