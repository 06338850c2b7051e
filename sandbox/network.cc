#include "sandbox/network.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace snaprun::sandbox {

ChildError BringUpLoopback() {
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return Fail(Step::kLoopback, errno, "socket", "lo");
  ifreq req{};
  memcpy(req.ifr_name, "lo", 3);
  int rc = ioctl(sock, SIOCGIFFLAGS, &req);
  if (rc == 0) {
    req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP | IFF_RUNNING);
    rc = ioctl(sock, SIOCSIFFLAGS, &req);
  }
  int err = errno;
  close(sock);
  return rc == 0 ? Success() : Fail(Step::kLoopback, err, "bring up", "lo");
}

}  // namespace snaprun::sandbox
