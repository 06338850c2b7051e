// One message with file descriptors attached (SCM_RIGHTS) over a unix socket: how the
// container's init hands its terminal to the supervisor, the supervisor hands it on to
// a console socket, and a monitor hands the container's namespaces to `exec`. Sending
// is async-signal-safe (no allocation), so the child may use it after clone().
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <vector>

#include "sandbox/base/unique_fd.h"

namespace snaprun {

// At most this many fds ride on one message.
constexpr size_t kMaxPassedFds = 16;

// Sends SIZE bytes of DATA with COUNT fds attached (none when COUNT is 0). Returns 0
// or an errno (EINVAL above kMaxPassedFds).
int SendWithFds(int socket_fd, const void* data, size_t size, const int* fds, size_t count);
inline int SendWithFd(int socket_fd, const void* data, size_t size, int fd) {
  return SendWithFds(socket_fd, data, size, &fd, 1);
}

// Receives one message into DATA (at most SIZE bytes); the fds it carried (close-on-exec)
// are appended to *FDS. Returns the message size, or -1 with errno.
ssize_t ReceiveWithFds(int socket_fd, void* data, size_t size, std::vector<UniqueFd>* fds,
                       int flags = 0);
// The same, keeping only the first fd (in *FD); any others are closed.
ssize_t ReceiveWithFd(int socket_fd, void* data, size_t size, UniqueFd* fd, int flags = 0);

}  // namespace snaprun
