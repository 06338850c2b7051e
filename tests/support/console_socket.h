// The receiving end of runc's --console-socket protocol, as a runc driver (containerd,
// podman) holds it: a listening unix socket that accepts one connection and takes the
// pty master passed over it, then talks to the container's terminal through it.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "sandbox/base/unique_fd.h"
#include "tests/support/process.h"

namespace snaprun::testing {

class ConsoleSocket {
 public:
  // Listens at PATH; the socket file belongs to OWNER when given (a rootless CLI must
  // be able to connect).
  ConsoleSocket(const std::string& path, const std::optional<TestUser>& owner);
  const std::string& path() const { return path_; }
  // Accepts one connection and receives the master (-1 when none came within ten seconds).
  UniqueFd ReceiveMaster();

 private:
  std::string path_;
  UniqueFd listener_;
};

// Writes TEXT to the terminal's master.
void WriteTerminal(int master, const std::string& text);
// Reads the terminal until its output contains NEEDLE, the slave side hangs up, or ten
// seconds pass; returns everything read.
std::string ReadTerminalUntil(int master, const std::string& needle);

}  // namespace snaprun::testing
