#include "sandbox/console.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/base/fd_passing.h"
#include "sandbox/base/syscall.h"

namespace snaprun::sandbox {

int OpenPtyPair(int* master, int* slave) {
  int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) return errno;
  int unlock = 0;
  if (ioctl(m, TIOCSPTLCK, &unlock) != 0) {
    int err = errno;
    close(m);
    return err;
  }
  int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) {
    int err = errno;
    close(m);
    return err;
  }
  *master = m;
  *slave = s;
  return 0;
}

int AttachTerminal(int slave) {
  if (setsid() < 0) return errno;
  if (ioctl(slave, TIOCSCTTY, 0) != 0) return errno;
  for (int fd = 0; fd < 3; ++fd) {
    if (slave != fd && dup2(slave, fd) < 0) return errno;
  }
  if (slave > 2) close(slave);
  return 0;
}

Result<Pty> OpenPty() {
  int master = -1;
  int slave = -1;
  if (int err = OpenPtyPair(&master, &slave); err != 0) return Error::FromErrno(err, "open", "/dev/ptmx");
  return Pty{UniqueFd(master), UniqueFd(slave)};
}

Result<UniqueFd> ConnectConsoleSocket(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) {
    return Error(ErrorCode::kInvalidInput, "console socket path too long: " + path);
  }
  memcpy(address.sun_path, path.data(), path.size());
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return Error::FromErrno("socket", "console socket");
  if (RetryOnEintr([&] {
        return connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
      }) != 0) {
    return Error::FromErrno("connect", "console socket " + path);
  }
  return fd;
}

Result<void> SendConsoleMaster(int socket_fd, int master_fd) {
  if (int err = SendWithFd(socket_fd, "/dev/ptmx", 9, master_fd); err != 0) {
    return Error::FromErrno(err, "send", "the terminal to the console socket");
  }
  return Ok();
}

Result<void> HandOverTerminal(const std::string& path, UniqueFd master) {
  if (!master) return Error(ErrorCode::kSystem, "the sandbox sent no terminal");
  UniqueFd socket_fd = SNAPRUN_TRY(ConnectConsoleSocket(path));
  return SendConsoleMaster(socket_fd.get(), master.get());
}

Result<UniqueFd> ReceiveFd(int socket_fd, std::string* name) {
  char buffer[256];
  UniqueFd fd;
  ssize_t n = ReceiveWithFd(socket_fd, buffer, sizeof buffer, &fd);
  if (n < 0) return Error::FromErrno("recvmsg", "console socket");
  if (name != nullptr) name->assign(buffer, static_cast<size_t>(n));
  return fd;
}

}  // namespace snaprun::sandbox
