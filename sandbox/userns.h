// User namespace, parent half: the id maps. Rootless, the kernel lets us map only
// our own uid/gid (after setgroups=deny); wider ranges go through the setuid
// newuidmap/newgidmap helpers and /etc/subuid. The child half needs nothing: it
// waits for GO, which the parent sends only after the maps are written.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"
#include "sandbox/config.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

// "inside outside count\n" per mapping, as /proc/PID/uid_map wants it.
std::string IdMapText(const std::vector<IdMapping>& mappings);

// The maps used when the config names none: the caller's own id mapped to the
// process id. As root this is the same single-id shape (host root appears as the
// process uid; every capability the sandbox keeps is scoped to its namespace), so
// root and rootless runs see the same world. Ask for an explicit uidMappings to run
// as an unprivileged host uid.
std::vector<IdMapping> DefaultUidMappings(const Config& config, uid_t caller_uid);
std::vector<IdMapping> DefaultGidMappings(const Config& config, gid_t caller_gid);

// True when the kernel will not accept MAPS from CALLER directly: anything but the
// caller's own id, one line, count 1 (root may write anything).
bool NeedsIdMapHelper(const std::vector<IdMapping>& maps, uint32_t caller_id);

// Parent half: setgroups, gid_map, uid_map of PID, in that order (gid_map is refused
// rootless until setgroups is "deny").
Result<void> WriteIdMaps(pid_t pid, const ChildPlan& plan);

// A user namespace with the plan's maps, for the command-only scope: a helper process
// creates it and exits; the namespace lives on in the returned fd. Root only (the
// maps are written directly, setgroups left "allow").
Result<UniqueFd> CreateCommandUserNamespace(const ChildPlan& plan);

}  // namespace snaprun::sandbox
