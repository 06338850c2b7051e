#include "tests/support/console_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "sandbox/base/fd_passing.h"

namespace snaprun::testing {

ConsoleSocket::ConsoleSocket(const std::string& path, const std::optional<TestUser>& owner)
    : path_(path), listener_(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  memcpy(address.sun_path, path.data(), std::min(path.size(), sizeof address.sun_path - 1));
  if (bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener_.get(), 1) != 0) {
    listener_.Reset();
    return;
  }
  if (owner && chown(path.c_str(), owner->uid, owner->gid) != 0) listener_.Reset();
}

UniqueFd ConsoleSocket::ReceiveMaster() {
  if (!listener_) return UniqueFd();
  pollfd ready{listener_.get(), POLLIN, 0};
  if (poll(&ready, 1, 10000) != 1) return UniqueFd();
  UniqueFd connection(accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!connection) return UniqueFd();
  char name[64];
  UniqueFd master;
  if (ReceiveWithFd(connection.get(), name, sizeof name, &master) <= 0) return UniqueFd();
  return master;
}

void WriteTerminal(int master, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(master, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string ReadTerminalUntil(int master, const std::string& needle) {
  std::string seen;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (seen.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd ready{master, POLLIN, 0};
    if (poll(&ready, 1, 100) != 1) continue;
    char buffer[4096];
    ssize_t n = read(master, buffer, sizeof buffer);
    if (n <= 0) break;  // EIO: every slave fd is closed
    seen.append(buffer, static_cast<size_t>(n));
  }
  return seen;
}

}  // namespace snaprun::testing
