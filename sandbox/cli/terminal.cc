// The CLI's side of process.terminal: which flags a terminal needs, and how `run`
// hands the container's pty on.
#include "sandbox/cli/commands.h"

namespace snaprun::sandbox::cli {

Result<void> CheckConsoleSocket(const Config& config, const std::string& console_socket) {
  if (config.process.terminal && console_socket.empty()) {
    return Error(ErrorCode::kInvalidInput,
                 "process.terminal is true: --console-socket must name the socket that "
                 "receives the terminal");
  }
  if (!config.process.terminal && !console_socket.empty()) {
    return Error(ErrorCode::kInvalidInput,
                 "--console-socket given but process.terminal is false: there is no terminal "
                 "to send");
  }
  return Ok();
}

}  // namespace snaprun::sandbox::cli
