// The CLI's side of process.terminal. With --console-socket the pty master goes to the
// driver that listens there (create and run); a foreground `run` without one relays the
// pty to its own stdio instead, as `runc run` does, so a user at a shell gets the
// container's terminal.
#pragma once

#include <termios.h>

#include <string>
#include <thread>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"
#include "sandbox/config.h"

namespace snaprun::sandbox::cli {

// runc's rule: a terminal needs somewhere to go — a console socket, or the caller's own
// stdio when CAN_RELAY — and a console socket without a terminal is an error.
Result<void> CheckConsoleSocket(const Config& config, const std::string& console_socket,
                                bool can_relay);

// Copies our stdin to the pty and the pty to our stdout on a thread, with our terminal
// (when stdin is one) in raw mode and its size given to the pty; the destructor drains
// what the container wrote, stops, and restores the terminal.
class TerminalRelay {
 public:
  explicit TerminalRelay(UniqueFd master);
  ~TerminalRelay();
  TerminalRelay(const TerminalRelay&) = delete;
  TerminalRelay& operator=(const TerminalRelay&) = delete;

 private:
  void Copy();

  UniqueFd master_;
  UniqueFd stop_;
  termios saved_{};
  bool restore_ = false;
  std::thread thread_;
};

}  // namespace snaprun::sandbox::cli
