#include "sandbox/userns.h"

#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "sandbox/base/syscall.h"
#include "sandbox/base/unique_fd.h"

extern char** environ;

namespace snaprun::sandbox {
namespace {

Result<void> WriteProcFile(pid_t pid, const char* name, const std::string& text) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open", path);
  ssize_t n = RetryOnEintr([&] { return write(fd.get(), text.data(), text.size()); });
  if (n < 0) return Error::FromErrno("write", path);
  if (static_cast<size_t>(n) != text.size()) {
    return Error(ErrorCode::kSystem, "write " + path + ": short write");
  }
  return Ok();
}

// newuidmap PID inside outside count …: the helper checks /etc/subuid for us.
Result<void> RunIdMapHelper(const char* helper, pid_t pid, const std::string& text) {
  std::vector<std::string> args = {helper, std::to_string(pid)};
  std::istringstream lines(text);
  std::string word;
  while (lines >> word) args.push_back(word);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  int rc = posix_spawnp(&child, helper, nullptr, nullptr, argv.data(), environ);
  if (rc != 0) return Error::FromErrno(rc, "spawn", helper);
  int status = 0;
  if (RetryOnEintr([&] { return waitpid(child, &status, 0); }) < 0) {
    return Error::FromErrno("wait", helper);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error(ErrorCode::kSystem,
                 std::string(helper) + " failed (are the ranges in /etc/subuid and /etc/subgid?)");
  }
  return Ok();
}

}  // namespace

std::string IdMapText(const std::vector<IdMapping>& mappings) {
  std::string text;
  for (const auto& m : mappings) {
    text += std::to_string(m.inside) + " " + std::to_string(m.outside) + " " +
            std::to_string(m.count) + "\n";
  }
  return text;
}

std::vector<IdMapping> DefaultUidMappings(const Config& config, uid_t caller_uid) {
  if (!config.uid_mappings.empty()) return config.uid_mappings;
  return {IdMapping{config.process.uid, caller_uid, 1}};
}

std::vector<IdMapping> DefaultGidMappings(const Config& config, gid_t caller_gid) {
  if (!config.gid_mappings.empty()) return config.gid_mappings;
  return {IdMapping{config.process.gid, caller_gid, 1}};
}

bool NeedsIdMapHelper(const std::vector<IdMapping>& maps, uint32_t caller_id) {
  if (caller_id == 0) return false;
  return !(maps.size() == 1 && maps[0].outside == caller_id && maps[0].count == 1);
}

Result<void> WriteIdMaps(pid_t pid, const ChildPlan& plan) {
  if (plan.use_newuidmap) {
    // The helpers set setgroups themselves ("allow"): that is what lets subgid work.
    SNAPRUN_TRY_CTX(RunIdMapHelper("newgidmap", pid, plan.gid_map), "writing gid_map");
    SNAPRUN_TRY_CTX(RunIdMapHelper("newuidmap", pid, plan.uid_map), "writing uid_map");
    return Ok();
  }
  if (plan.deny_setgroups) SNAPRUN_TRY(WriteProcFile(pid, "setgroups", "deny"));
  SNAPRUN_TRY(WriteProcFile(pid, "gid_map", plan.gid_map));
  SNAPRUN_TRY(WriteProcFile(pid, "uid_map", plan.uid_map));
  return Ok();
}

Result<UniqueFd> CreateCommandUserNamespace(const ChildPlan& plan) {
  int ready[2];
  int release[2];
  if (pipe2(ready, O_CLOEXEC) != 0) return Error::FromErrno("pipe", "user namespace helper");
  UniqueFd ready_read(ready[0]), ready_write(ready[1]);
  if (pipe2(release, O_CLOEXEC) != 0) return Error::FromErrno("pipe", "user namespace helper");
  UniqueFd release_read(release[0]), release_write(release[1]);
  pid_t helper = fork();
  if (helper < 0) return Error::FromErrno("fork", "user namespace helper");
  if (helper == 0) {
    // Async-signal-safe only: the caller may have threads. Its own copy of the write
    // end would keep the release read from ever seeing EOF.
    close(release[1]);
    close(ready[0]);
    char byte = unshare(CLONE_NEWUSER) == 0 ? 'R' : 'E';
    (void)!write(ready[1], &byte, 1);
    (void)!read(release[0], &byte, 1);
    _exit(0);
  }
  ready_write.Reset();
  release_read.Reset();
  auto reap = [&] {
    release_write.Reset();
    int status = 0;
    RetryOnEintr([&] { return waitpid(helper, &status, 0); });
  };
  char byte = 0;
  if (RetryOnEintr([&] { return read(ready_read.get(), &byte, 1); }) != 1 || byte != 'R') {
    reap();
    return Error(ErrorCode::kSystem, "the user namespace helper could not unshare");
  }
  auto written = [&]() -> Result<UniqueFd> {
    SNAPRUN_TRY(WriteIdMaps(helper, plan));
    std::string path = "/proc/" + std::to_string(helper) + "/ns/user";
    UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return Error::FromErrno("open", path);
    return fd;
  }();
  reap();
  return written;
}

}  // namespace snaprun::sandbox
