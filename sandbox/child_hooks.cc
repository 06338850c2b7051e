#include "sandbox/child_hooks.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "sandbox/base/syscall.h"

namespace snaprun::sandbox {
namespace {

// Tells the supervisor init stopped at POINT, then waits for its 'H'. EOF or anything
// else: the supervisor gave up on us (a hook failed, or it died).
ChildError PauseAt(int report_fd, int32_t point) {
  ChildFrame frame;
  frame.kind = FrameKind::kHookPoint;
  frame.wait_status = point;
  if (RetryOnEintr([&] { return send(report_fd, &frame, sizeof frame, MSG_NOSIGNAL); }) < 0) {
    return Fail(Step::kHooks, errno, "send", "hook point to the supervisor");
  }
  char reply = 0;
  ssize_t n = RetryOnEintr([&] { return read(report_fd, &reply, 1); });
  if (n != 1 || reply != 'H') _exit(1);
  return Success();
}

}  // namespace

ChildError PauseForCreateHooks(int report_fd) { return PauseAt(report_fd, kHookPointCreate); }

ChildError PauseForStartHooks(int report_fd) { return PauseAt(report_fd, kHookPointStart); }

}  // namespace snaprun::sandbox
