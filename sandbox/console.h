// The container's terminal (OCI process.terminal) and runc's console socket. The pty
// is opened inside the container, on its own devpts instance, so the slave's name and
// owner make sense there; its master travels to the caller over a unix socket
// (SCM_RIGHTS), as runc's --console-socket protocol has it: one message whose payload
// is a name and whose single right is the master.
#pragma once

#include <string>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::sandbox {

struct Pty {
  UniqueFd master;
  UniqueFd slave;
};

// Async-signal-safe (usable between clone and exec): opens /dev/ptmx of the current
// mount namespace, unlocks it and opens its peer (TIOCGPTPEER, no path lookup). Both
// fds are close-on-exec. Returns 0 or an errno.
int OpenPtyPair(int* master, int* slave);
// Makes SLAVE the calling process's controlling terminal and its stdin, stdout and
// stderr (a new session first). Async-signal-safe; returns 0 or an errno.
int AttachTerminal(int slave);

Result<Pty> OpenPty();
// A connected SOCK_STREAM to the console socket at PATH.
Result<UniqueFd> ConnectConsoleSocket(const std::string& path);
Result<void> SendConsoleMaster(int socket_fd, int master_fd);
// Connects to the console socket at PATH and sends MASTER over it (then closes both).
Result<void> HandOverTerminal(const std::string& path, UniqueFd master);
// Receives one message and the fd it carries (-1 when none), close-on-exec.
Result<UniqueFd> ReceiveFd(int socket_fd, std::string* name = nullptr);

}  // namespace snaprun::sandbox
