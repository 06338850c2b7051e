// Paths resolved relative to a directory fd, component by component, never following a
// symlink: a tree being walked or built cannot redirect us outside it, and paths longer
// than PATH_MAX still work because no call ever sees more than one component.
#pragma once

#include <sys/types.h>

#include <string>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {

// Opens REL ("a/b/c", relative, no "." or "..") beneath DIR_FD with FLAGS | O_NOFOLLOW |
// O_CLOEXEC; every intermediate component must be a real directory. Errors name SHOWN/REL.
Result<UniqueFd> OpenBeneath(int dir_fd, const std::string& rel, int flags,
                             const std::string& shown);

// Opens the directory holding REL's last component (see LastComponent).
Result<UniqueFd> OpenParentBeneath(int dir_fd, const std::string& rel, const std::string& shown);
// "a/b/c" -> "c".
std::string LastComponent(const std::string& rel);

// Opens DIR as a directory (following a symlink only for DIR itself, as a user expects).
Result<UniqueFd> OpenDirectory(const std::string& dir);

// Removes the tree REL beneath DIR_FD, first making directories writable (trees are
// read-only). Missing is fine.
Result<void> RemoveTreeAt(int dir_fd, const std::string& name);

// "objects/sha256/ab" style: creates each missing component with MODE.
Result<void> MakeDirectories(const std::string& path, mode_t mode);

}  // namespace snaprun::orchestrator
