#include "sandbox/base/fd_passing.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "sandbox/base/syscall.h"

namespace snaprun {

int SendWithFd(int socket_fd, const void* data, size_t size, int fd) {
  iovec payload{const_cast<void*>(data), size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &payload;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(header), &fd, sizeof fd);
  ssize_t sent = RetryOnEintr([&] { return sendmsg(socket_fd, &message, MSG_NOSIGNAL); });
  return sent < 0 ? errno : 0;
}

ssize_t ReceiveWithFd(int socket_fd, void* data, size_t size, UniqueFd* fd, int flags) {
  iovec payload{data, size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &payload;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t n = RetryOnEintr([&] { return recvmsg(socket_fd, &message, flags | MSG_CMSG_CLOEXEC); });
  if (n < 0) return n;
  for (cmsghdr* h = CMSG_FIRSTHDR(&message); h != nullptr; h = CMSG_NXTHDR(&message, h)) {
    if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
      int received = -1;
      memcpy(&received, CMSG_DATA(h), sizeof received);
      fd->Reset(received);
    }
  }
  return n;
}

}  // namespace snaprun
