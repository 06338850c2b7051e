// The host image's rootfs: an empty skeleton under SNAPRUN_HOME/host-rootfs holding the
// mount points a run needs and Debian's merged-usr links (/bin → usr/bin, …); the host's
// /usr and parts of /etc (host_etc.h) are bound over it read-only. Built once, in a temp directory renamed into
// place, so a skeleton that exists is complete and concurrent builders race harmlessly.
#pragma once

#include <string>

#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// Returns HOME/host-rootfs, building it unless it exists.
Result<std::string> EnsureHostSkeleton(const std::string& home);

}  // namespace snaprun::orchestrator
