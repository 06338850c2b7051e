// Which regular files of a run's outputs may be copied into the store. The harvest often
// runs with more rights than the sandbox had (as root, or reading files a subordinate uid
// made), so a file is admitted only if the sandbox's user could have read it itself:
//   - a hard link (st_nlink > 1) to a file another user owns is refused: the link may
//     point at a host file (/etc/shadow) that the sandbox only named, never read;
//   - the sandbox's user must have read permission by the mode bits: the user bits when
//     it owns the file, otherwise the other bits (the sandbox runs without supplementary
//     groups, so the group bits are not trusted to grant anything).
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>

#include "orchestrator/snapshot/walker.h"

namespace snaprun::orchestrator {

// Empty when admitted; otherwise why not, for the harvest's notes.
std::string WhyNotHarvested(const struct stat& st, uid_t sandbox_uid);
// The rule for the walker and the hasher (which re-checks the opened file).
AdmitFile SandboxFileRule(uid_t sandbox_uid);

}  // namespace snaprun::orchestrator
