#include "sandbox/sysctl.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace snaprun::sandbox {
namespace {

enum class Scope { kNone, kIpc, kNet, kUts };

bool StartsWith(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

// The namespace the kernel scopes KEY to (as runc's list of namespaced sysctls).
Scope ScopeOf(const std::string& key) {
  if (key == "kernel.msgmax" || key == "kernel.msgmnb" || key == "kernel.msgmni" ||
      key == "kernel.sem" || key == "kernel.shmall" || key == "kernel.shmmax" ||
      key == "kernel.shmmni" || key == "kernel.shm_rmid_forced" || StartsWith(key, "fs.mqueue.")) {
    return Scope::kIpc;
  }
  if (StartsWith(key, "net.")) return Scope::kNet;
  if (key == "kernel.hostname" || key == "kernel.domainname") return Scope::kUts;
  return Scope::kNone;
}

bool WellFormed(const std::string& key) {
  if (key.empty() || key.front() == '.' || key.back() == '.') return false;
  if (key.find("..") != std::string::npos) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<void> ValidateSysctl(const Sysctl& sysctl, const Config& config) {
  const std::string at = "linux.sysctl \"" + sysctl.key + "\": ";
  if (!WellFormed(sysctl.key)) {
    return Error(ErrorCode::kInvalidInput,
                 at + "not a sysctl name (letters, digits, '_', '-', single dots)");
  }
  if (sysctl.value.find('\n') != std::string::npos) {
    return Error(ErrorCode::kInvalidInput, at + "the value holds a newline");
  }
  switch (ScopeOf(sysctl.key)) {
    case Scope::kNone:
      return Error(ErrorCode::kInvalidInput,
                   at + "not namespaced: setting it would change the host");
    case Scope::kIpc:
      if (!config.namespaces.ipc) {
        return Error(ErrorCode::kInvalidInput, at + "needs an ipc namespace");
      }
      break;
    case Scope::kNet:
      if (config.network != Network::kNone) {
        return Error(ErrorCode::kInvalidInput, at + "needs a network namespace");
      }
      break;
    case Scope::kUts:
      if (!config.namespaces.uts) {
        return Error(ErrorCode::kInvalidInput, at + "needs a uts namespace");
      }
      break;
  }
  // Written through the sandbox's own /proc: without a pid namespace there is none.
  if (!config.namespaces.pid || !config.namespaces.mount) {
    return Error(ErrorCode::kInvalidInput,
                 at + "needs pid and mount namespaces (written through the sandbox's /proc)");
  }
  return Ok();
}

std::string SysctlRelativePath(const std::string& key) {
  std::string path = key;
  for (char& c : path) {
    if (c == '.') c = '/';
  }
  return path;
}

ChildError WriteSysctls(const ChildPlan& plan) {
  if (plan.sysctl_paths.empty()) return Success();
  int dir = open("/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0) return Fail(Step::kSysctl, errno, "open", "/proc/sys");
  struct statfs fs {};
  if (fstatfs(dir, &fs) != 0 || fs.f_type != PROC_SUPER_MAGIC) {
    close(dir);
    return Fail(Step::kSysctl, EXDEV, "not procfs:", "/proc/sys");
  }
  ChildError e;
  for (size_t i = 0; i < plan.sysctl_paths.size() && !e.failed(); ++i) {
    const char* rel = plan.sysctl_paths[i].c_str();
    int fd = openat(dir, rel, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      e = Fail(Step::kSysctl, errno, "open /proc/sys/", rel);
      break;
    }
    const std::string& value = plan.sysctl_values[i];
    if (write(fd, value.data(), value.size()) != static_cast<ssize_t>(value.size())) {
      e = Fail(Step::kSysctl, errno, "write /proc/sys/", rel);
    }
    close(fd);
  }
  close(dir);
  return e;
}

}  // namespace snaprun::sandbox
