// The CLI's side of process.terminal: which flags a terminal needs, and how `run` gives
// the container's pty to its caller when no console socket takes it.
#include "sandbox/cli/terminal.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace snaprun::sandbox::cli {
namespace {

// Writes all of DATA; false when FD is gone.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Copies one read of FROM to TO; false at the end of FROM (EOF, or EIO once every
// slave fd is closed) or when TO is gone.
bool Pump(int from, int to) {
  char buffer[8192];
  ssize_t n = read(from, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  return n > 0 && WriteAll(to, buffer, static_cast<size_t>(n));
}

}  // namespace

Result<void> CheckConsoleSocket(const Config& config, const std::string& console_socket,
                                bool can_relay) {
  if (config.process.terminal && console_socket.empty() && !can_relay) {
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

TerminalRelay::TerminalRelay(UniqueFd master) : master_(std::move(master)) {
  stop_.Reset(eventfd(0, EFD_CLOEXEC));
  // Raw: keys reach the command as typed (^C included, for its own terminal to turn
  // into SIGINT); our side only copies bytes.
  if (isatty(0) && tcgetattr(0, &saved_) == 0) {
    termios raw = saved_;
    cfmakeraw(&raw);
    restore_ = tcsetattr(0, TCSANOW, &raw) == 0;
    winsize size{};
    if (ioctl(0, TIOCGWINSZ, &size) == 0) ioctl(master_.get(), TIOCSWINSZ, &size);
  }
  thread_ = std::thread([this] { Copy(); });
}

TerminalRelay::~TerminalRelay() {
  uint64_t one = 1;
  if (write(stop_.get(), &one, sizeof one) < 0) {
    // The copy thread then ends with the container's side of the pty.
  }
  thread_.join();
  if (restore_) tcsetattr(0, TCSANOW, &saved_);
}

void TerminalRelay::Copy() {
  // Signals for the container (SIGINT, SIGTERM, …) must find the thread that forwards
  // them, never this one with their default actions.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  bool input_open = true;
  for (;;) {
    pollfd fds[3] = {{master_.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0},
                     {input_open ? 0 : -1, POLLIN, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0 && !Pump(master_.get(), 1)) return;
    if (fds[2].revents != 0 && !Pump(0, master_.get())) input_open = false;
    // Stop only once the container's output is drained: it has exited by now.
    if (fds[1].revents != 0 && fds[0].revents == 0) return;
  }
}

}  // namespace snaprun::sandbox::cli
