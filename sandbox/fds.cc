#include "sandbox/fds.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace snaprun::sandbox {
namespace {

// The report socket at the lowest fd >= FROM whose next fd is free (for the userns fd).
int MoveReportWithRoomAfter(int report_fd, int from) {
  for (;;) {
    int moved = fcntl(report_fd, F_DUPFD_CLOEXEC, from);
    if (moved < 0) return -1;
    if (fcntl(moved + 1, F_GETFD) < 0 && errno == EBADF) return moved;
    close(moved);
    from = moved + 2;
  }
}

}  // namespace

ChildError ArrangeFds(const ChildPlan& plan, int* report_fd, int* userns_fd) {
  const int count = static_cast<int>(plan.preserved_fds.size());
  const int high = 3 + count + 64;
  // Move every source (and the report socket) out of the target range first.
  int moved_report = MoveReportWithRoomAfter(*report_fd, high);
  if (moved_report < 0) return Fail(Step::kFds, errno, "dup", "report socket");
  *report_fd = moved_report;
  if (*userns_fd >= 0) {
    if (dup3(*userns_fd, CommandUsernsFd(moved_report), O_CLOEXEC) < 0) {
      return Fail(Step::kFds, errno, "dup", "user namespace");
    }
    *userns_fd = CommandUsernsFd(moved_report);
  }
  int staged[256];
  if (count > 256) return Fail(Step::kFds, EMFILE, "preserve", "fds");
  for (int i = 0; i < count; ++i) {
    staged[i] = fcntl(plan.preserved_fds[i], F_DUPFD_CLOEXEC, high);
    if (staged[i] < 0) return Fail(Step::kFds, errno, "dup", "preserved fd");
  }
  for (int i = 0; i < count; ++i) {
    if (dup2(staged[i], 3 + i) < 0) return Fail(Step::kFds, errno, "dup2", "preserved fd");
  }
  return CloseStrayFds(plan, *report_fd, *userns_fd >= 0);
}

ChildError CloseStrayFds(const ChildPlan& plan, int report_fd, bool keep_userns) {
  const int first = 3 + static_cast<int>(plan.preserved_fds.size());
  const int last_kept = keep_userns ? CommandUsernsFd(report_fd) : report_fd;
  // Closed, not merely close-on-exec: an inherited directory fd left open while the
  // child resolves paths is reachable as /proc/self/fd/N, a way out to the host
  // (CVE-2024-21626). Only the report socket stays, close-on-exec.
  if ((report_fd > first && syscall(SYS_close_range, first, report_fd - 1, 0U) != 0) ||
      syscall(SYS_close_range, last_kept + 1, ~0U, 0U) != 0) {
    return Fail(Step::kFds, errno, "close_range", "inherited fds");
  }
  return Success();
}

}  // namespace snaprun::sandbox
