#include "sandbox/child_hooks.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/base/syscall.h"

namespace snaprun::sandbox {
namespace {

// The order the supervisor reads them in (NamespaceFdOrder in supervisor.cc).
constexpr struct {
  uint64_t flag;
  const char* path;
} kNamespaces[] = {{CLONE_NEWUSER, "/proc/self/ns/user"}, {CLONE_NEWIPC, "/proc/self/ns/ipc"},
                   {CLONE_NEWUTS, "/proc/self/ns/uts"},   {CLONE_NEWNET, "/proc/self/ns/net"},
                   {CLONE_NEWPID, "/proc/self/ns/pid"},   {CLONE_NEWCGROUP, "/proc/self/ns/cgroup"},
                   {CLONE_NEWNS, "/proc/self/ns/mnt"}};
constexpr int kMaxNamespaces = sizeof kNamespaces / sizeof kNamespaces[0];

ChildError AwaitResume(int report_fd) {
  char reply = 0;
  ssize_t n = RetryOnEintr([&] { return read(report_fd, &reply, 1); });
  // EOF or anything else: the supervisor gave up on us (a hook failed, or it died).
  if (n != 1 || reply != 'H') _exit(1);
  return Success();
}

ChildError SendWithFds(int report_fd, const ChildFrame& frame, const int* fds, int count) {
  iovec iov{const_cast<ChildFrame*>(&frame), sizeof frame};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxNamespaces)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (count > 0) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * count);
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * count);
    memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * count);
  }
  if (RetryOnEintr([&] { return sendmsg(report_fd, &msg, MSG_NOSIGNAL); }) < 0) {
    return Fail(Step::kHooks, errno, "send", "namespaces to the supervisor");
  }
  return Success();
}

}  // namespace

ChildError PauseForCreateHooks(const ChildPlan& plan, int report_fd) {
  int fds[kMaxNamespaces];
  int count = 0;
  ChildFrame frame;
  frame.kind = FrameKind::kHookPoint;
  frame.wait_status = kHookPointCreate;
  ChildError e;
  for (const auto& ns : kNamespaces) {
    if ((plan.clone_flags & ns.flag) == 0) continue;
    int fd = open(ns.path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      e = Fail(Step::kHooks, errno, "open", ns.path);
      break;
    }
    fds[count++] = fd;
    frame.steps_done |= ns.flag;  // which namespaces follow, in kNamespaces order
  }
  if (!e.failed()) e = SendWithFds(report_fd, frame, fds, count);
  for (int i = 0; i < count; ++i) close(fds[i]);
  if (e.failed()) return e;
  return AwaitResume(report_fd);
}

ChildError PauseForStartHooks(int report_fd) {
  ChildFrame frame;
  frame.kind = FrameKind::kHookPoint;
  frame.wait_status = kHookPointStart;
  ChildError e = SendWithFds(report_fd, frame, nullptr, 0);
  if (e.failed()) return e;
  return AwaitResume(report_fd);
}

}  // namespace snaprun::sandbox
