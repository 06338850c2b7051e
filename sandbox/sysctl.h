// OCI linux.sysctl: which keys a sandbox may set and where they live under /proc/sys.
// Only keys the kernel scopes to a namespace the sandbox owns are accepted (ipc: the
// SysV IPC and mqueue keys; net: net.*; uts: kernel.hostname/domainname); anything
// else would change the host. Keys never contain '/' or "..": dots become slashes.
#pragma once

#include <string>

#include "sandbox/base/error.h"
#include "sandbox/child_error.h"
#include "sandbox/config.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

// kInvalidInput naming the key when it is malformed or not namespaced by a namespace
// CONFIG creates.
Result<void> ValidateSysctl(const Sysctl& sysctl, const Config& config);
// "net.ipv4.ip_forward" → "net/ipv4/ip_forward" (relative to /proc/sys).
std::string SysctlRelativePath(const std::string& key);

// Child side, after pivot_root and before /proc/sys is made read-only: writes each of
// PLAN's sysctls through the sandbox's own procfs (checked to be one).
ChildError WriteSysctls(const ChildPlan& plan);

}  // namespace snaprun::sandbox
