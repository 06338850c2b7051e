// Joining a running sandbox's namespaces (`exec`, `ps`). The supervisor opens init's
// /proc/PID/ns/* before GO, while init is still dumpable: afterwards it is not, and a
// rootless caller could no longer open them. The fds pin the namespaces, so joining
// them later cannot land in a recycled pid's namespaces. Join order is the table's:
// user first (it grants the capabilities the other setns calls need), then mnt, pid, …;
// namespaces the sandbox joined by path come before all of them (supervisor.cc).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"
#include "sandbox/child_error.h"

namespace snaprun::sandbox {

struct NamespaceKind {
  const char* proc_name;  // /proc/PID/ns/NAME: "user", "mnt", "net", …
  const char* oci_name;   // linux.namespaces[].type: "user", "mount", "network", …
  int clone_flag;         // CLONE_NEW*
};

// Every namespace kind this runtime creates, in join order.
std::span<const NamespaceKind> NamespaceKinds();
std::optional<NamespaceKind> NamespaceKindByProcName(std::string_view proc_name);

struct NamespaceFd {
  std::string name;  // proc_name
  int clone_flag = 0;
  UniqueFd fd;
};

// Opens /proc/PID/ns/NAME for each namespace CLONE_FLAGS creates, in join order.
Result<std::vector<NamespaceFd>> OpenNamespaces(pid_t pid, uint64_t clone_flags);

// Child side, async-signal-safe: setns(FDS[i], FLAGS[i]) in order. The caller must be
// single-threaded (setns into a user namespace requires it).
ChildError JoinNamespaces(const int* fds, const int* flags, size_t count);

}  // namespace snaprun::sandbox
