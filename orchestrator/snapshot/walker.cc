#include "orchestrator/snapshot/walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "orchestrator/snapshot/ignore_rules.h"
#include "sandbox/base/log.h"
#include "sandbox/base/syscall.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {
namespace {

constexpr size_t kMaxIgnoreFileBytes = 16 << 20;

struct DirChild {
  std::string name;
  unsigned char type;  // d_type; DT_UNKNOWN on filesystems that do not fill it
};

std::string Join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

int64_t Nanos(const timespec& ts) { return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec; }

Result<std::vector<DirChild>> ListDirectory(int dir_fd, const std::string& shown) {
  DIR* dir = ::fdopendir(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
  if (dir == nullptr) return Error::FromErrno("open directory", shown);
  std::vector<DirChild> children;
  errno = 0;
  while (dirent* d = ::readdir(dir)) {
    std::string name = d->d_name;
    if (name != "." && name != "..") children.push_back({std::move(name), d->d_type});
    errno = 0;
  }
  int read_errno = errno;
  ::closedir(dir);
  if (read_errno != 0) return Error::FromErrno(read_errno, "read directory", shown);
  std::sort(children.begin(), children.end(),
            [](const DirChild& a, const DirChild& b) { return a.name < b.name; });
  return children;
}

Result<std::string> ReadAll(int fd, const std::string& shown) {
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = RetryOnEintr([&] { return ::read(fd, buf, sizeof buf); });
    if (n < 0) return Error::FromErrno("read", shown);
    if (n == 0) return text;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxIgnoreFileBytes) {
      return Error(ErrorCode::kLimitExceeded, shown + ": ignore file larger than 16 MB");
    }
  }
}

class Walker {
 public:
  Walker(std::string shown, const WalkOptions& options)
      : shown_(std::move(shown)), options_(options) {}
  Result<void> WalkDirectory(int dir_fd, const std::string& rel);
  WalkResult TakeResult();

 private:
  Result<bool> PushIgnoreFile(int dir_fd, const std::string& rel);
  Result<void> Visit(int dir_fd, const std::string& rel, const DirChild& child);
  Result<void> Include(int dir_fd, const std::string& path, const std::string& name,
                       const struct stat& st);
  Result<void> CountExcluded(int dir_fd, const std::string& path, const DirChild& child,
                             bool is_dir, const IgnoreDecision& decision);
  Result<void> MeasureDirectory(int dir_fd, const std::string& path, ExcludedSummary& into);
  std::string Shown(const std::string& rel) const {
    return rel.empty() ? shown_ : shown_ + "/" + rel;
  }

  std::string shown_;
  WalkOptions options_;
  IgnoreStack ignores_;
  std::map<std::string, ExcludedSummary> excluded_;
  WalkResult result_;
};

// .amlignore wins over .gitignore in the same directory (Azure ML's rule).
Result<bool> Walker::PushIgnoreFile(int dir_fd, const std::string& rel) {
  for (const char* name : {".amlignore", ".gitignore"}) {
    std::string source = Join(rel, name);
    UniqueFd fd(::openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd) {
      if (errno == ENOENT) continue;
      if (errno == ELOOP) {  // git, too, refuses to follow a symlinked ignore file
        result_.warnings.push_back("not reading " + Shown(source) + ": it is a symlink");
        continue;
      }
      return Error::FromErrno("open", Shown(source));
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return Error::FromErrno("stat", Shown(source));
    if (!S_ISREG(st.st_mode)) continue;
    std::string text = SNAPRUN_TRY(ReadAll(fd.get(), Shown(source)));
    ignores_.Push(ParseIgnoreFile(rel, source, text));
    return true;
  }
  return false;
}

Result<void> Walker::WalkDirectory(int dir_fd, const std::string& rel) {
  bool pushed = options_.read_ignore_files && SNAPRUN_TRY(PushIgnoreFile(dir_fd, rel));
  std::vector<DirChild> children = SNAPRUN_TRY(ListDirectory(dir_fd, Shown(rel)));
  for (const DirChild& child : children) SNAPRUN_TRY(Visit(dir_fd, rel, child));
  if (pushed) ignores_.Pop();
  return Ok();
}

Result<void> Walker::Visit(int dir_fd, const std::string& rel, const DirChild& child) {
  std::string path = Join(rel, child.name);
  struct stat st;
  bool have_stat = false;
  if (child.type == DT_UNKNOWN) {
    if (::fstatat(dir_fd, child.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return Error::FromErrno("stat", Shown(path));
    }
    have_stat = true;
  }
  bool is_dir = have_stat ? S_ISDIR(st.st_mode) : child.type == DT_DIR;
  IgnoreDecision decision = ignores_.Decide(path, is_dir);
  if (decision.excluded) return CountExcluded(dir_fd, path, child, is_dir, decision);
  if (!have_stat && ::fstatat(dir_fd, child.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return Error::FromErrno("stat", Shown(path));
  }
  return Include(dir_fd, path, child.name, st);
}

Result<void> Walker::Include(int dir_fd, const std::string& path, const std::string& name,
                             const struct stat& st) {
  TreeEntry entry;
  entry.path = path;
  entry.mode = st.st_mode & 07777;
  entry.dev = st.st_dev;
  entry.ino = st.st_ino;
  entry.mtime_ns = Nanos(st.st_mtim);
  entry.ctime_ns = Nanos(st.st_ctim);
  if (S_ISDIR(st.st_mode)) {
    entry.type = EntryType::kDirectory;
    result_.entries.push_back(entry);
    UniqueFd sub(RetryOnEintr([&] {
      return ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }));
    if (!sub) return Error::FromErrno("open directory", Shown(path));
    return WalkDirectory(sub.get(), path);
  }
  if (S_ISREG(st.st_mode)) {
    if (std::string why = options_.admit ? options_.admit(path, st) : ""; !why.empty()) {
      result_.warnings.push_back("skipped " + Shown(path) + ": " + why);
      return Ok();
    }
    entry.type = EntryType::kFile;
    entry.size = static_cast<uint64_t>(st.st_size);
    result_.bytes += entry.size;
  } else if (S_ISLNK(st.st_mode)) {
    entry.type = EntryType::kSymlink;
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
    if (n < 0) return Error::FromErrno("readlink", Shown(path));
    if (static_cast<size_t>(n) >= target.size()) {
      return Error(ErrorCode::kSystem, "symlink " + Shown(path) + " changed while it was read");
    }
    target.resize(static_cast<size_t>(n));
    entry.target = std::move(target);
  } else {
    const char* kind = S_ISFIFO(st.st_mode) ? "fifo" : S_ISSOCK(st.st_mode) ? "socket" : "device";
    std::string warning = "skipped " + std::string(kind) + " " + Shown(path) +
                          ": only files, directories and symlinks are snapshotted";
    log::Warn(warning);
    result_.warnings.push_back(std::move(warning));
    return Ok();
  }
  ++result_.files;
  result_.entries.push_back(std::move(entry));
  return Ok();
}

Result<void> Walker::CountExcluded(int dir_fd, const std::string& path, const DirChild& child,
                                   bool is_dir, const IgnoreDecision& decision) {
  const std::string& source = ignores_.files()[static_cast<size_t>(decision.file)].source;
  ExcludedSummary& summary = excluded_[source];
  summary.source = source;
  if (is_dir) {
    ++summary.dirs;
    if (!options_.measure_excluded) return Ok();
    UniqueFd sub(
        ::openat(dir_fd, child.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) return Error::FromErrno("open directory", Shown(path));
    return MeasureDirectory(sub.get(), path, summary);
  }
  ++summary.files;
  struct stat st;
  if (options_.measure_excluded &&
      ::fstatat(dir_fd, child.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
    summary.bytes += static_cast<uint64_t>(st.st_size);
  }
  return Ok();
}

// du(1) of an excluded directory, for the report only: no ignore rules inside.
Result<void> Walker::MeasureDirectory(int dir_fd, const std::string& path, ExcludedSummary& into) {
  std::vector<DirChild> children = SNAPRUN_TRY(ListDirectory(dir_fd, Shown(path)));
  for (const DirChild& child : children) {
    struct stat st;
    if (::fstatat(dir_fd, child.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      UniqueFd sub(
          ::openat(dir_fd, child.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (sub) SNAPRUN_TRY(MeasureDirectory(sub.get(), Join(path, child.name), into));
      continue;
    }
    ++into.files;
    if (S_ISREG(st.st_mode)) into.bytes += static_cast<uint64_t>(st.st_size);
  }
  return Ok();
}

WalkResult Walker::TakeResult() {
  for (auto& [source, summary] : excluded_) result_.excluded.push_back(summary);
  return std::move(result_);
}

}  // namespace

Result<WalkResult> WalkTree(int root_fd, const std::string& shown, const WalkOptions& options) {
  Walker walker(shown, options);
  SNAPRUN_TRY(walker.WalkDirectory(root_fd, ""));
  return walker.TakeResult();
}

}  // namespace snaprun::orchestrator
