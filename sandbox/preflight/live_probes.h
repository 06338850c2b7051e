// Live probes: a forked child tries the real operation and reports its errno.
// The children only make system calls (no allocation, no locks), so probing from
// a multi-threaded process is safe.
#pragma once

namespace snaprun::sandbox::preflight {

// 0 when the caller can create a user namespace, else the errno.
int ProbeUserNamespace();
// 0 when an overlay mounts inside a new user+mount namespace, else the errno of
// the first step that failed. SCRATCH is an empty directory the probe may use.
int ProbeRootlessOverlay(const char* scratch);
// 0 when the kernel has seccomp filtering, else the errno.
int ProbeSeccomp();

}  // namespace snaprun::sandbox::preflight
