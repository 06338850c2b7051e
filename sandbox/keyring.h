// The command's session keyring: by default init joins a new anonymous one (as runc
// does), so keys of the caller's session are not the container's to read or use.
// Async-signal-safe: runs after clone().
#pragma once

#include "sandbox/child_error.h"

namespace snaprun::sandbox {

// keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL); a kernel without keys (ENOSYS) is no error.
ChildError JoinNewSessionKeyring();

}  // namespace snaprun::sandbox
