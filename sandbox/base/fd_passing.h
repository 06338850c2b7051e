// One message with one file descriptor attached (SCM_RIGHTS) over a unix socket: how
// the container's init hands its terminal to the supervisor, and the supervisor hands
// it on to a console socket. Both are async-signal-safe (no allocation).
#pragma once

#include <sys/types.h>

#include <cstddef>

#include "sandbox/base/unique_fd.h"

namespace snaprun {

// Sends SIZE bytes of DATA with FD attached. Returns 0 or an errno.
int SendWithFd(int socket_fd, const void* data, size_t size, int fd);
// Receives one message into DATA (at most SIZE bytes); an attached fd (close-on-exec)
// goes to *FD. Returns the message size, or -1 with errno.
ssize_t ReceiveWithFd(int socket_fd, void* data, size_t size, UniqueFd* fd, int flags = 0);

}  // namespace snaprun
