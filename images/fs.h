// File-system helpers for the store: directory fds that never follow symlinks,
// opens confined beneath a directory (openat2 RESOLVE_BENEATH), and recursive removal
// that never leaves the tree it was given, even through symlinks inside it.
#pragma once

#include <sys/types.h>

#include <string>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::images {

// Opens directory NAME under DIRFD without following a symlink at NAME.
Result<UniqueFd> OpenDirAt(int dirfd, const std::string& name);
// Opens PATH relative to ROOT_FD; symlinks may be followed but never out of ROOT_FD.
Result<UniqueFd> OpenBeneath(int root_fd, const std::string& path, int flags);
// Removes NAME under DIRFD and everything below it; symlinks are removed, not followed.
// Directories the caller owns but cannot write (mode 0555) are made writable first.
Result<void> RemoveTreeAt(int dirfd, const std::string& name);
// Removes the whole tree at PATH (absolute or relative to the cwd). Missing is fine.
Result<void> RemoveTree(const std::string& path);
// Reads FD to its end; more than MAX_BYTES is kLimitExceeded. WHAT names it in errors.
Result<std::string> ReadAll(int fd, size_t max_bytes, const std::string& what);
// Creates a fresh, private directory PARENT/PREFIXxxxxxx and returns its path.
Result<std::string> MakeTempDir(const std::string& parent, const std::string& prefix);

}  // namespace snaprun::images
