// Thin wrappers for system calls: EINTR retry, and the syscalls glibc 2.36 does
// not wrap (clone3, pidfd_*, openat2, mount API). No allocation: usable after clone().
#pragma once

#include <cerrno>

namespace snaprun {

// Repeats CALL while it fails with EINTR; returns its final result.
template <typename Fn>
auto RetryOnEintr(Fn&& call) -> decltype(call()) {
  decltype(call()) result;
  do {
    result = call();
  } while (result == -1 && errno == EINTR);
  return result;
}

}  // namespace snaprun
