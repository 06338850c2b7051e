#include "sandbox/namespaces.h"

#include <fcntl.h>
#include <sched.h>

#include <cerrno>

namespace snaprun::sandbox {

namespace {

// A constant table, not a static local: JoinNamespaces reads it after fork().
constexpr NamespaceKind kKinds[] = {
    {"user", "user", CLONE_NEWUSER},       {"mnt", "mount", CLONE_NEWNS},
    {"pid", "pid", CLONE_NEWPID},          {"uts", "uts", CLONE_NEWUTS},
    {"ipc", "ipc", CLONE_NEWIPC},          {"net", "network", CLONE_NEWNET},
    {"cgroup", "cgroup", CLONE_NEWCGROUP}, {"time", "time", CLONE_NEWTIME},
};

}  // namespace

std::span<const NamespaceKind> NamespaceKinds() { return kKinds; }

std::optional<NamespaceKind> NamespaceKindByProcName(std::string_view proc_name) {
  for (const auto& kind : NamespaceKinds()) {
    if (proc_name == kind.proc_name) return kind;
  }
  return std::nullopt;
}

Result<std::vector<NamespaceFd>> OpenNamespaces(pid_t pid, uint64_t clone_flags) {
  std::vector<NamespaceFd> namespaces;
  for (const auto& kind : NamespaceKinds()) {
    if ((clone_flags & static_cast<uint64_t>(kind.clone_flag)) == 0) continue;
    std::string path = "/proc/" + std::to_string(pid) + "/ns/" + kind.proc_name;
    UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return Error::FromErrno("open", path);
    namespaces.push_back({kind.proc_name, kind.clone_flag, std::move(fd)});
  }
  return namespaces;
}

ChildError JoinNamespaces(const int* fds, const int* flags, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (setns(fds[i], flags[i]) != 0) {
      const char* name = "namespace";
      for (const auto& kind : NamespaceKinds()) {
        if (kind.clone_flag == flags[i]) name = kind.proc_name;
      }
      return Fail(Step::kJoinNamespace, errno, "setns", name);
    }
  }
  return Success();
}

}  // namespace snaprun::sandbox
