// A minimal /dev on a fresh tmpfs: null zero full random urandom tty bind-mounted
// from the host (mknod is refused in a user namespace), a private devpts instance
// with ptmx pointing into it, a tmpfs /dev/shm and the fd/stdio symlinks. Nothing of
// the rootfs's own /dev is trusted: the tmpfs covers it before any entry is made.
#pragma once

#include "sandbox/child_error.h"

namespace snaprun::sandbox {

ChildError SetupDev(int root_fd);

}  // namespace snaprun::sandbox
