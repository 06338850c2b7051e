// linux.devices and linux.resources.devices. /dev holds the default nodes (null zero
// full random urandom tty, ptmx and pts; see devices.h) plus the configured ones, and
// nothing else; an allow rule may only name devices /dev holds — no device cgroup
// program is loaded (cgroup v2 would need BPF), so a broader rule is refused rather
// than promised. Nodes are mknod'ed where the kernel allows it, otherwise the host's
// node is bind-mounted (as runc does rootless) after checking it is the same device.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/child_error.h"
#include "sandbox/config.h"

namespace snaprun::sandbox {

struct DeviceOp {
  std::string rel;        // below /dev: "fuse", "net/tun"
  std::string host_path;  // for the bind fallback
  mode_t mode = 0;        // S_IFCHR|0666 …
  dev_t rdev = 0;
  int uid = -1;           // -1: leave
  int gid = -1;
};

// Parent side: checks each device (path under /dev, no "..", a known type); entries
// naming a default node are already there and skipped. MKNOD_REFUSED (a user
// namespace): the host node must exist and match. CheckDeviceRules: allow rules may
// name only devices of the default list or CONFIG.devices.
Result<std::vector<DeviceOp>> PlanDevices(const Config& config, bool mknod_refused);
Result<void> CheckDeviceRules(const Config& config);

// Child side, after SetupDev and before the pivot (bind sources are host paths):
// creates OPS in ROOT_FD's /dev (the sandbox's own tmpfs).
ChildError CreateDeviceNodes(const std::vector<DeviceOp>& ops, int root_fd);

}  // namespace snaprun::sandbox
