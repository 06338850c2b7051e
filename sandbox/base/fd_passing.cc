#include "sandbox/base/fd_passing.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "sandbox/base/syscall.h"

namespace snaprun {

int SendWithFds(int socket_fd, const void* data, size_t size, const int* fds, size_t count) {
  if (count > kMaxPassedFds) return EINVAL;
  iovec payload{const_cast<void*>(data), size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)] = {};
  msghdr message{};
  message.msg_iov = &payload;
  message.msg_iovlen = 1;
  if (count > 0) {
    message.msg_control = control;
    message.msg_controllen = CMSG_SPACE(sizeof(int) * count);
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * count);
    memcpy(CMSG_DATA(header), fds, sizeof(int) * count);
  }
  ssize_t sent = RetryOnEintr([&] { return sendmsg(socket_fd, &message, MSG_NOSIGNAL); });
  return sent < 0 ? errno : 0;
}

ssize_t ReceiveWithFds(int socket_fd, void* data, size_t size, std::vector<UniqueFd>* fds,
                       int flags) {
  iovec payload{data, size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)];
  msghdr message{};
  message.msg_iov = &payload;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t n = RetryOnEintr([&] { return recvmsg(socket_fd, &message, flags | MSG_CMSG_CLOEXEC); });
  if (n < 0) return n;
  for (cmsghdr* h = CMSG_FIRSTHDR(&message); h != nullptr; h = CMSG_NXTHDR(&message, h)) {
    if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int received = -1;
      memcpy(&received, CMSG_DATA(h) + i * sizeof(int), sizeof received);
      fds->emplace_back(received);
    }
  }
  return n;
}

ssize_t ReceiveWithFd(int socket_fd, void* data, size_t size, UniqueFd* fd, int flags) {
  std::vector<UniqueFd> fds;
  ssize_t n = ReceiveWithFds(socket_fd, data, size, &fds, flags);
  if (!fds.empty()) *fd = std::move(fds.front());
  return n;
}

}  // namespace snaprun
